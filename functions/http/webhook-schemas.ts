import * as v from 'valibot';
import { REQUEST_STATUSES } from '../domain/types.js';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-events.js';

/*
 * Schemas of the webhook routes and of the event every delivery carries. Built by functions, as
 * in schemas.ts, so each handler bundles only its own. The OpenAPI document takes the event
 * schema for its `webhooks` section.
 */

const URL_MAX = 2048;

// Any id that is not one of ours is simply unknown (404), as for the other routes' ids.
export const webhookParams = () => v.strictObject({ id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)) });

export const createWebhookBody = () =>
  v.strictObject({
    url: v.pipe(v.string(), v.trim(), v.maxLength(URL_MAX), v.url('must be an absolute URL')),
    /** Omitted (or empty) = every event type. */
    events: v.optional(v.pipe(v.array(v.picklist(WEBHOOK_EVENT_TYPES)), v.maxLength(WEBHOOK_EVENT_TYPES.length))),
    description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500))),
  });

export const deliveriesQuery = () =>
  v.strictObject({
    limit: v.optional(
      v.pipe(v.string(), v.toNumber('must be a number'), v.integer('must be a whole number'), v.minValue(1), v.maxValue(100)),
    ),
    next: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  });

const status = () => v.nullable(v.picklist(REQUEST_STATUSES));

const actor = () =>
  v.object({
    kind: v.picklist(['technician', 'approver', 'system']),
    id: v.string(),
    email: v.optional(v.string()),
    name: v.optional(v.string()),
  });

/** The body of every delivery, and the EventBridge event's detail. */
export const webhookEventSchema = () =>
  v.object({
    id: v.pipe(v.string(), v.startsWith('evt_')),
    type: v.picklist(WEBHOOK_EVENT_TYPES),
    timestamp: v.pipe(v.string(), v.isoTimestamp()),
    data: v.looseObject({
      ticketId: v.nullable(v.string()),
      requestId: v.nullable(v.string()),
      status: status(),
      previousStatus: status(),
      sequence: v.pipe(v.number(), v.integer(), v.minValue(0)),
      actor: actor(),
      recipient: v.optional(
        v.object({
          approverId: v.string(),
          kind: v.picklist(['user', 'contact']),
          name: v.string(),
          status: v.picklist(['pending', 'approved', 'declined', 'removed', 'expired']),
        }),
      ),
    }),
  });

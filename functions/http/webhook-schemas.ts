import * as v from 'valibot';
import { REQUEST_STATUSES } from '../domain/types.js';
import { dateTime, id, text } from './schemas.js';

/*
 * Webhook schemas (valibot): the requests of the endpoint routes and the event every delivery
 * carries (API.md, "Webhooks"). Built by functions, like schemas.ts, so a handler bundles only
 * the ones it calls. The OpenAPI document (tools/openapi/) is generated from these.
 */

/** Every event type a delivery can carry (API.md); fixed by the contract. */
export const WEBHOOK_EVENT_TYPES = [
  'approval.requested',
  'approval.recipients_changed',
  'approval.responded',
  'approval.feedback',
  'approval.partially_approved',
  'approval.approved',
  'approval.declined',
  'approval.canceled',
  'approval.expired',
  'approval.escalated',
  'approval.delegated',
  'approval.content_changed',
  'mail.undelivered',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Events about a ticket's approval request: all but `webhook.test`. */
export const TICKET_EVENT_TYPES = WEBHOOK_EVENT_TYPES.filter((t) => t !== 'webhook.test') as Exclude<WebhookEventType, 'webhook.test'>[];

export const WEBHOOK_LIMITS = { url: 2048, description: 500 } as const;

/** http or https (lower case) only; whether the address may be called (SSRF) is decided later, with 422 url_not_allowed. */
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;

// Path parameters.

export const webhookParams = () => v.strictObject({ webhookId: id() });

// Requests.

export const createWebhookBody = () =>
  v.strictObject({
    url: v.pipe(v.string(), v.maxLength(WEBHOOK_LIMITS.url), v.regex(HTTP_URL, 'must be an http or https URL'), v.url('must be a URL')),
    /** Omitted: every event type. */
    events: v.optional(
      v.pipe(
        v.array(v.picklist(WEBHOOK_EVENT_TYPES)),
        v.minLength(1),
        v.check((types) => new Set(types).size === types.length, 'must not list an event type twice'),
      ),
    ),
    description: v.optional(text(WEBHOOK_LIMITS.description)),
  });

// The event a delivery carries (its JSON body; the same on EventBridge as `detail`).

const actor = () =>
  v.looseObject({
    kind: v.picklist(['technician', 'approver', 'system']),
    id: v.string(),
    name: v.optional(v.string()),
    email: v.optional(v.string()),
  });

const ticketEventData = () =>
  v.looseObject({
    ticketId: v.string(),
    requestId: v.string(),
    status: v.picklist(REQUEST_STATUSES),
    previousStatus: v.nullable(v.picklist(REQUEST_STATUSES)),
    /** Increases by one per ticket: a receiver orders and de-duplicates by it. */
    sequence: v.pipe(v.number(), v.integer(), v.minValue(1)),
    actor: actor(),
    recipient: v.optional(v.looseObject({ approverId: v.string(), status: v.string() })),
  });

const envelope = () => ({
  /** `evt_…`; the same as the `webhook-id` header, on every retry. */
  id: v.pipe(v.string(), v.startsWith('evt_')),
  timestamp: dateTime(),
});

export const webhookEvent = () =>
  v.variant('type', [
    v.looseObject({ ...envelope(), type: v.picklist(TICKET_EVENT_TYPES), data: ticketEventData() }),
    v.looseObject({ ...envelope(), type: v.literal('webhook.test'), data: v.looseObject({ webhookId: v.string() }) }),
  ]);

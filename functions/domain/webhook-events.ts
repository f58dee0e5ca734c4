import type { ActivityEvent } from './activity.js';
import type { Change } from './approval-request.js';
import type { Actor, Recipient, RequestStatus } from './types.js';

/** The EventBridge source of every event Signoff puts on its bus. */
export const EVENT_SOURCE = 'signoff';

/** Every event type a webhook endpoint can subscribe to (API.md, "Webhooks"); fixed names. */
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

/** The recipient an event is about, as a receiver sees it. */
export interface EventRecipient {
  approverId: string;
  kind: Recipient['kind'];
  name: string;
  status: Recipient['status'];
}

/** What every approval event carries; `sequence` increases by one per ticket. */
interface EventDataFields {
  /** Null only on `webhook.test`, which is about no ticket (and has sequence 0). */
  ticketId: string | null;
  requestId: string | null;
  status: RequestStatus | null;
  previousStatus: RequestStatus | null;
  sequence: number;
  actor: Actor;
  recipient?: EventRecipient;
}
/** The named fields, and what the type adds (`decision`, `feedback`, `added`, …). */
export type ApprovalEventData = EventDataFields & Record<string, unknown>;

/** The body of every delivery (and the EventBridge detail). */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  timestamp: string;
  data: ApprovalEventData;
}

/** An event before the store gave it its id and its place in the ticket's sequence. */
export interface EventDraft {
  type: WebhookEventType;
  timestamp: string;
  data: Omit<EventDataFields, 'sequence'> & Record<string, unknown>;
}

/** The activity entries a receiver is told about, and as what; a status change by its new status. */
const EVENT_OF: Partial<Record<ActivityEvent['type'] | RequestStatus, WebhookEventType>> = {
  request_created: 'approval.requested',
  recipients_changed: 'approval.recipients_changed',
  feedback_given: 'approval.feedback',
  response_recorded: 'approval.responded',
  content_changed: 'approval.content_changed',
  partially_approved: 'approval.partially_approved',
  approved: 'approval.approved',
  declined: 'approval.declined',
  canceled: 'approval.canceled',
  // The deadline passed (whatever its outcome; the outcome's status change follows), and whom it escalated to.
  deadline_passed: 'approval.expired',
  escalated: 'approval.escalated',
  delegated: 'approval.delegated',
};

/**
 * The events a receiver is told about for one change, in the order they happened: the activity
 * entries that matter to a helpdesk (mails sent and reminders are the mailer's business), each
 * with the entry's own fields (`approverId`, `decision`, `body`, `added`, `removed`, …).
 */
export function eventsOfChange({ before, after, events }: Change): EventDraft[] {
  return events.flatMap(({ type, at, actor, requestId: _, ...fields }) => {
    const name = EVENT_OF[type === 'status_changed' ? (fields as { to: RequestStatus }).to : type];
    const r = after.recipients.find((x) => x.approverId === (fields as { approverId?: string }).approverId);
    return name
      ? [
          {
            type: name,
            timestamp: at,
            data: {
              ticketId: after.ticketId,
              requestId: after.id,
              status: after.status,
              previousStatus: before?.status ?? null,
              actor,
              ...fields,
              ...(r ? { recipient: { approverId: r.approverId, kind: r.kind, name: r.name, status: r.status } } : {}),
            },
          },
        ]
      : [];
  });
}

/** `mail.undelivered`: SES reported that a mail to a recipient bounced, was complained about or rejected. */
export function mailUndeliveredEvent(
  event: Extract<ActivityEvent, { type: 'mail_undelivered' }>,
  ticketId: string,
  status: RequestStatus | null,
): EventDraft {
  return {
    type: 'mail.undelivered',
    timestamp: event.at,
    data: {
      ticketId,
      requestId: event.requestId,
      status,
      previousStatus: status,
      actor: event.actor,
      approverId: event.approverId,
      mail: event.mail,
      problem: event.problem,
      permanent: event.permanent,
    },
  };
}

/** `webhook.test`: about no ticket, so outside every ticket's sequence (0). */
export function testEvent(webhookId: string, actor: Actor, now: string): EventDraft {
  return {
    type: 'webhook.test',
    timestamp: now,
    data: { ticketId: null, requestId: null, status: null, previousStatus: null, actor, webhookId },
  };
}

import type { ActivityEvent, RecipientRef } from './activity.js';
import type { Change } from './approval-request.js';
import type { Actor, ApprovalRequest, Recipient, RequestStatus } from './types.js';

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

const STATUS_EVENTS: Partial<Record<RequestStatus, WebhookEventType>> = {
  partially_approved: 'approval.partially_approved',
  approved: 'approval.approved',
  declined: 'approval.declined',
  canceled: 'approval.canceled',
};

const refs = (list: RecipientRef[]) => list.map((r) => ({ approverId: r.approverId, name: r.name }));

function recipientOf(request: ApprovalRequest, approverId: string): EventRecipient | undefined {
  const r = request.recipients.find((x) => x.approverId === approverId);
  return r ? { approverId: r.approverId, kind: r.kind, name: r.name, status: r.status } : undefined;
}

/**
 * The events a receiver is told about for one change, in the order they happened: the activity
 * entries that matter to a helpdesk (mails sent and reminders are the mailer's business).
 */
export function eventsOfChange(change: Change): EventDraft[] {
  const { before, after } = change;
  const base = (event: ActivityEvent) => ({
    ticketId: after.ticketId,
    requestId: after.id,
    status: after.status,
    previousStatus: before?.status ?? null,
    actor: event.actor,
  });
  const drafts: EventDraft[] = [];
  const push = (type: WebhookEventType, event: ActivityEvent, extra: Record<string, unknown> = {}) =>
    drafts.push({ type, timestamp: event.at, data: { ...base(event), ...extra } });
  for (const event of change.events) {
    switch (event.type) {
      case 'request_created':
        push('approval.requested', event, {
          policy: event.policy,
          recipients: after.recipients.map((r) => ({ approverId: r.approverId, kind: r.kind, name: r.name })),
        });
        break;
      case 'recipients_changed':
        push('approval.recipients_changed', event, { added: refs(event.added), removed: refs(event.removed) });
        break;
      case 'response_recorded': {
        const recipient = recipientOf(after, event.approverId);
        push('approval.responded', event, { decision: event.decision, ...(recipient ? { recipient } : {}) });
        break;
      }
      case 'feedback_given': {
        const recipient = recipientOf(after, event.approverId);
        push('approval.feedback', event, { feedback: event.body, ...(recipient ? { recipient } : {}) });
        break;
      }
      case 'status_changed': {
        const type = STATUS_EVENTS[event.to];
        if (type) push(type, event);
        break;
      }
      default:
        break;
    }
  }
  return drafts;
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

import type { WebhookEventType } from './webhook-events.js';

/** A registered receiver of events. Secrets are kept apart (encrypted) and never shown again. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Subscribed types; null = all. */
  events: WebhookEventType[] | null;
  description: string | null;
  status: 'active' | 'failing';
  createdAt: string;
}

export type DeliveryStatus = 'delivered' | 'retrying' | 'failed';

/** One event's delivery to one endpoint: every attempt updates it. */
export interface Delivery {
  id: string;
  eventId: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  /** Every attempt, oldest first: bounded by the schedule (at most its length + 1 attempts). */
  attemptLog: AttemptRecord[];
}

export interface AttemptRecord {
  at: string;
  responseStatus: number | null;
  error: string | null;
}

/** Endpoints per deployment: every event is fanned out to each of them. */
export const MAX_WEBHOOKS = 20;

/** How long deliveries are signed with the old secret too, after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/**
 * Delays between attempts, in seconds: after the first failure 5 s, then growing to hours; the
 * last attempt is made about 24 h after the first (5 s + 5 m + 30 m + 2 h + 5 h + 8 h + 8 h).
 * Configurable (config.webhookRetrySchedule), so a test can run the whole schedule in seconds.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 28800, 28800] as const;

/** The endpoint wants this event: it subscribed to its type (or to all), or it is a test sent to it. */
export function wants(endpoint: WebhookEndpoint, type: WebhookEventType): boolean {
  return endpoint.events === null || endpoint.events.includes(type);
}

/** An attempt's result: a 2xx answer, another answer, or no answer (timeout, refused, reset). */
export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/**
 * The delivery after one more attempt: delivered on a 2xx; else retried after the next delay of
 * the schedule, and failed once the schedule is used up.
 */
export function afterAttempt(delivery: Delivery, result: AttemptResult, now: Date, scheduleSeconds: readonly number[]): Delivery {
  const attempts = delivery.attempts + 1;
  const base = {
    ...delivery,
    attempts,
    lastResponseStatus: result.status,
    lastError: result.ok ? null : result.error,
    lastAttemptAt: now.toISOString(),
    attemptLog: [
      ...delivery.attemptLog,
      { at: now.toISOString(), responseStatus: result.status, error: result.ok ? null : result.error },
    ].slice(-(scheduleSeconds.length + 1)),
  };
  if (result.ok) return { ...base, status: 'delivered', nextAttemptAt: null };
  const delay = scheduleSeconds[attempts - 1];
  if (delay === undefined) return { ...base, status: 'failed', nextAttemptAt: null };
  return { ...base, status: 'retrying', nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString() };
}

/** A delivery not tried yet. */
export function newDelivery(id: string, eventId: string, type: WebhookEventType): Delivery {
  return {
    id,
    eventId,
    type,
    status: 'retrying',
    attempts: 0,
    lastResponseStatus: null,
    lastError: null,
    lastAttemptAt: null,
    nextAttemptAt: null,
    attemptLog: [],
  };
}

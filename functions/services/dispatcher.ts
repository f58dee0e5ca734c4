import { Webhook } from 'standardwebhooks';
import * as config from '../config.js';
import type { WebhookEventType } from '../domain/webhook-events.js';
import { afterAttempt, DEFAULT_RETRY_SCHEDULE_SECONDS, type Delivery, newDelivery, wants } from '../domain/webhooks.js';
import { logger } from '../logger.js';
import { getDeliveries, saveDelivery } from '../store/delivery-log.js';
import {
  assignSequences,
  type ClaimedEvent,
  claimEvent,
  completeEvent,
  noteEventProgress,
  type OutboxEvent,
  readEventSequence,
  rescheduleEvent,
} from '../store/event-outbox.js';
import { listEndpoints, type StoredEndpoint, setEndpointStatus } from '../store/webhook-repository.js';
import { putOnBus } from '../webhooks/bus.js';
import { openSecret } from '../webhooks/secret-box.js';
import { postEvent } from '../webhooks/sender.js';

export type DispatchOutcome = 'done' | 'retry-later' | 'not-claimed';

const schedule = () => config.webhookRetrySchedule() ?? DEFAULT_RETRY_SCHEDULE_SECONDS;
/** When a failed put on the bus is tried again. */
const BUS_RETRY_MS = 30_000;

/**
 * The `webhook-signature` header: one `v1,<base64>` per secret, space-separated. After a rotation
 * both the new and the old secret sign, until the overlap ends.
 */
export async function signatures(endpoint: StoredEndpoint, id: string, timestamp: Date, body: string, now: Date): Promise<string> {
  const sealed = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousUntil && endpoint.previousUntil > now.toISOString()) sealed.push(endpoint.previousSecret);
  const secrets = await Promise.all(sealed.map(openSecret));
  return secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' ');
}

async function attempt(endpoint: StoredEndpoint, event: OutboxEvent, delivery: Delivery, now: Date): Promise<Delivery> {
  const body = JSON.stringify(event.body);
  const sentAt = new Date();
  const result = await postEvent({
    url: endpoint.url,
    body,
    headers: {
      'webhook-id': event.body.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': await signatures(endpoint, event.body.id, sentAt, body, now),
    },
    timeoutMs: config.webhookTimeoutMs(),
    allowLoopback: config.webhookAllowLoopback(),
  });
  const next = afterAttempt(delivery, result, new Date(), schedule());
  // Recorded only after the attempt: a crash in between delivers the event again (at least once).
  await saveDelivery(endpoint.id, next, new Date());
  if (next.status === 'failed') {
    // The metric filter behind the "webhook deliveries failed" alarm matches this message.
    logger.error('webhook delivery failed', {
      webhookId: endpoint.id,
      eventId: event.body.id,
      attempts: next.attempts,
      error: next.lastError,
    });
    await setEndpointStatus(endpoint.id, 'failing');
  } else if (next.status === 'delivered' && endpoint.status === 'failing') {
    await setEndpointStatus(endpoint.id, 'active');
  } else if (next.status === 'retrying') {
    logger.warn('webhook delivery will be retried', {
      webhookId: endpoint.id,
      eventId: event.body.id,
      attempts: next.attempts,
      error: next.lastError,
    });
  }
  return next;
}

/**
 * The endpoints an event goes to, fixed on its first dispatch so a retry never widens it, and
 * what they got so far (nothing yet on a first dispatch: no read). When the claim did not fix
 * them already (the caller did not know the type), noting them runs alongside the first
 * attempts, so it does not delay them.
 */
async function targetsOf(
  event: ClaimedEvent,
  all: StoredEndpoint[],
): Promise<{ endpoints: StoredEndpoint[]; known: Map<string, Delivery>; noted: Promise<void> }> {
  if (event.targets) {
    const ids = new Set(event.targets);
    const targets = all.filter((e) => ids.has(e.id));
    if (event.targetsFixedNow) return { endpoints: targets, known: new Map(), noted: Promise.resolve() };
    const known = await getDeliveries(
      event.key,
      targets.map((e) => e.id),
    );
    return { endpoints: targets, known, noted: Promise.resolve() };
  }
  const targets = all.filter((e) => wants(e, event.body.type));
  return { endpoints: targets, known: new Map(), noted: noteEventProgress(event.key, { targets: targets.map((e) => e.id) }) };
}

/** Puts the event on the bus once; a failure leaves it for the next round (it stays due). */
async function publish(event: OutboxEvent): Promise<boolean> {
  const bus = config.eventBusName();
  if (!bus || event.publishedAt) return true;
  try {
    await putOnBus(event.body, bus);
    await noteEventProgress(event.key, { publishedAt: new Date().toISOString() });
    return true;
  } catch (error) {
    logger.warn('event not put on the bus; will retry', { eventId: event.body.id, error: (error as Error).message });
    return false;
  }
}

async function settleAll<T extends readonly unknown[]>(work: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/**
 * A ticket's event goes out only with its place in the ticket's sequence. The batch numbers its
 * tickets' events before it dispatches them (dispatch-batch.ts); an event dispatched on its own
 * (by key, without its ticket) is numbered here, then read again for its number.
 */
async function numbered(event: ClaimedEvent): Promise<ClaimedEvent> {
  const { ticketId, sequence } = event.body.data;
  if (!ticketId || typeof sequence === 'number') return event;
  await assignSequences(ticketId);
  const assigned = await readEventSequence(event.key);
  if (assigned === null) throw new Error(`event ${event.key} has no sequence after its ticket's were given`);
  return { ...event, body: { ...event.body, data: { ...event.body.data, sequence: assigned } } };
}

/** What the caller knows already, so a batch of events costs fewer reads and writes. */
export interface DispatchContext {
  /**
   * The endpoints, listed once for a whole batch (stream records or a sweep round); listed afresh
   * when absent. A batch lists them after its events were written, so an endpoint registered
   * before an event was written is among them, as with a listing per event.
   */
  endpoints?: Promise<StoredEndpoint[]>;
  /** The event's type, when the caller has its item (a stream record): the claim then fixes its targets too. */
  type?: WebhookEventType;
}

/**
 * Delivers one event: claims it, puts it on the bus, posts it to each endpoint whose delivery is
 * neither settled nor waiting for a later retry, records each attempt, then completes the event
 * or makes it due again at its earliest retry. Deleted endpoints are skipped.
 */
export async function dispatchEvent(key: string, now = new Date(), context: DispatchContext = {}): Promise<DispatchOutcome> {
  const all = await (context.endpoints ?? listEndpoints());
  const type = context.type;
  const claimed = await claimEvent(key, now, type ? { targets: all.filter((e) => wants(e, type)).map((e) => e.id) } : {});
  if (!claimed) return 'not-claimed';
  const event = await numbered(claimed);
  const { endpoints, known, noted } = await targetsOf(event, all);
  // All settle before anything is rethrown, so a failed record never leaves the rest half done.
  const [published, deliveries] = await settleAll([
    publish(event),
    Promise.all(
      endpoints.map(async (endpoint) => {
        const delivery = known.get(endpoint.id) ?? newDelivery(`dlv_${key}`, event.body.id, event.body.type);
        if (delivery.status !== 'retrying') return delivery;
        if (delivery.nextAttemptAt && delivery.nextAttemptAt > now.toISOString()) return delivery;
        return attempt(endpoint, event, delivery, now);
      }),
    ),
    noted,
  ] as const);
  const waiting = deliveries.filter((d) => d.status === 'retrying').map((d) => d.nextAttemptAt ?? now.toISOString());
  if (!published) waiting.push(new Date(now.getTime() + BUS_RETRY_MS).toISOString());
  if (waiting.length === 0) {
    await completeEvent(key, new Date());
    return 'done';
  }
  await rescheduleEvent(key, new Date(waiting.sort()[0]!));
  return 'retry-later';
}

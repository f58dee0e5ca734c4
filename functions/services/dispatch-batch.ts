import * as config from '../config.js';
import type { WebhookEventType } from '../domain/webhook-events.js';
import { logger } from '../logger.js';
import { redactError } from '../redact.js';
import { assignSequencesOf, deferEvent, type GivenSequences, listDueEventsWithTickets, readEventSequences } from '../store/event-outbox.js';
import { listEndpoints } from '../store/webhook-repository.js';
import { eachWithConcurrency } from './concurrency.js';
import { dispatchEvent } from './dispatcher.js';

/**
 * How many tickets' events are dispatched at once: as many as a batch holds (the stream's event
 * source hands over batches of 50, functions/shared/stream-sources.ts; a scheduled round takes 50
 * due events). Each dispatch mostly waits (DynamoDB, the receiver's answer, up to its 10 s
 * timeout), and a batch ends with its slowest ticket, so a batch takes about as long as its
 * longest ticket, not as the sum of its events; one slow receiver holds up only its own tickets.
 * An endpoint gets at most this many requests at once from one batch (the stream runs up to
 * STREAM_SOURCES.dispatcher.parallelization batches of a shard at once).
 */
export const DISPATCH_CONCURRENCY = 50;

/** An event to dispatch, with the group whose order it keeps. */
export interface BatchEvent<Source = unknown> {
  key: string;
  /** Events of one group (a ticket) go one after the other, in the order given; groups at once. */
  group: string;
  type?: WebhookEventType;
  /**
   * The ticket of an event that has no `sequence` yet: its group numbers the ticket's waiting
   * events (assignSequences) before it delivers the first.
   */
  unnumberedOf?: string;
  /** Its `sequence`, when the caller read it (the due index projects it). */
  sequence?: number;
  /** Where the caller got it (a stream record), handed back with the failures. */
  source?: Source;
}

/** The group of a ticket's event; an event outside any ticket (a test event) has no order to keep. */
export const groupOf = (key: string, ticketId: string | null | undefined): string => (ticketId ? `ticket:${ticketId}` : `event:${key}`);

/**
 * The events by group, groups in the order of their first event, each group in `sequence` order
 * (stream records of different events' items do not come in commit order); events whose number
 * is not known keep their place after the numbered ones (a test event's group is itself).
 */
function byGroup<T extends BatchEvent>(events: T[], sequences: GivenSequences): T[][] {
  const groups = new Map<string, T[]>();
  for (const event of events) {
    const group = groups.get(event.group);
    if (group) group.push(event);
    else groups.set(event.group, [event]);
  }
  const place = (event: T) => sequences.get(event.key) ?? event.sequence ?? Number.POSITIVE_INFINITY;
  return [...groups.values()].map((group) => group.toSorted((a, b) => (place(a) === place(b) ? 0 : place(a) < place(b) ? -1 : 1)));
}

/**
 * The numbers of the batch's events: those this batch gave, and, for the events it found
 * without one that another numberer numbered meanwhile, one read.
 */
async function sequencesOf(events: BatchEvent[], given: GivenSequences, unnumbered: Map<string, unknown>): Promise<GivenSequences> {
  const unknown = events.filter((e) => e.unnumberedOf && !unnumbered.has(e.unnumberedOf) && !given.has(e.key)).map((e) => e.key);
  if (unknown.length === 0) return given;
  try {
    return new Map([...given, ...(await readEventSequences(unknown))]);
  } catch (error) {
    // Only the order within a ticket is at stake; its events still go, numbered.
    logger.warn("reading the batch's sequence numbers failed; a ticket's events may go out of order", { error: redactError(error) });
    return given;
  }
}

/**
 * What one event may take at worst, beyond the receiver's timeout: its claim, records and
 * completion (a few DynamoDB writes, with the SDK's retries).
 */
const EVENT_OVERHEAD_MS = 5_000;

/**
 * Dispatches a batch's events, at most DISPATCH_CONCURRENCY groups at once, the endpoints listed
 * once for all. A group stops at its first failure: the rest of that ticket's events are not sent
 * ahead of it (they are returned as failed with it); other groups carry on. Returns the failed
 * events.
 *
 * `deadline` (epoch ms): when the invocation ends (Lambda's timeout). An event is started only if
 * it can end before it, even when its receiver takes the whole timeout; a group that runs out of
 * time leaves its rest, returned as failed like a failure (the stream hands it over again, the
 * schedule finds it still due). A ticket with many events behind a slow receiver thus never
 * outlasts the function's timeout, which would fail the whole batch.
 */
export async function dispatchBatch<T extends BatchEvent>(events: T[], options: { deadline?: number } = {}): Promise<Set<T>> {
  const failed = new Set<T>();
  if (events.length === 0) return failed;
  const endpoints = listEndpoints();
  // Each dispatch awaits it; a failed listing fails them, not the process.
  endpoints.catch(() => {});
  // The batch's tickets' events still without a sequence are numbered first, all together.
  let unnumbered: Map<string, unknown>;
  let given: GivenSequences = new Map();
  try {
    ({ failed: unnumbered, given } = await assignSequencesOf(events.flatMap((e) => (e.unnumberedOf ? [e.unnumberedOf] : []))));
  } catch (error) {
    logger.error("numbering the batch's events failed", { error: redactError(error) });
    unnumbered = new Map(events.flatMap((e) => (e.unnumberedOf ? [[e.unnumberedOf, error] as const] : [])));
  }
  const sequences = await sequencesOf(events, given, unnumbered);
  await eachWithConcurrency(byGroup(events, sequences), DISPATCH_CONCURRENCY, async (group) => {
    const ticketId = group.find((e) => e.unnumberedOf && unnumbered.has(e.unnumberedOf))?.unnumberedOf;
    if (ticketId) {
      // Not numbered: none of the ticket's events goes ahead (the stream or the schedule hands them over again).
      logger.error("numbering the ticket's events failed", { error: redactError(unnumbered.get(ticketId)), ticketId });
      for (const event of group) failed.add(event);
      return;
    }
    for (const [i, event] of group.entries()) {
      if (options.deadline !== undefined && Date.now() + config.webhookTimeoutMs() + EVENT_OVERHEAD_MS > options.deadline) {
        logger.warn('out of time for this batch: the rest of the ticket is left for the next one', {
          eventKey: event.key,
          left: group.length - i,
        });
        for (const rest of group.slice(i)) failed.add(rest);
        return;
      }
      try {
        await dispatchEvent(event.key, new Date(), { endpoints, ...(event.type ? { type: event.type } : {}) });
      } catch (error) {
        logger.error('event dispatch failed', { error: redactError(error), eventKey: event.key });
        for (const rest of group.slice(i)) failed.add(rest);
        return;
      }
    }
  });
  return failed;
}

/** How far a scheduled round defers what it could not deliver: about one round of the schedule. */
export const DEFER_UNDELIVERED_MS = 60_000;

/**
 * A scheduled round: the events due by `now`, oldest first (a ticket's events that fall due
 * together go in the order they were written), dispatched as a batch. What the round could not
 * deliver (its ticket could not be numbered, it waited behind a failed event, the time ran out)
 * goes behind the rest for the next round (deferEvent): the oldest fifty are all a round reads.
 */
export async function dispatchDue(now: Date, options: { deadline?: number } = {}): Promise<number> {
  const due = await listDueEventsWithTickets(now);
  const failed = await dispatchBatch(
    due.map(({ key, type, ticketId, sequence, due: place }) => ({
      key,
      type,
      group: groupOf(key, ticketId),
      ...(sequence !== null ? { sequence } : ticketId ? { unnumberedOf: ticketId } : {}),
      place,
    })),
    options,
  );
  const later = new Date(now.getTime() + DEFER_UNDELIVERED_MS);
  await Promise.all(
    [...failed].map((event) =>
      deferEvent(event.key, event.place, later).catch((error: unknown) => {
        logger.warn('could not defer an undelivered event; it stays at its place in the due index', {
          eventKey: event.key,
          error: redactError(error),
        });
      }),
    ),
  );
  return due.length;
}

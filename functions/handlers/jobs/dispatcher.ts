import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { WebhookEventType } from '../../domain/webhook-events.js';
import { logger } from '../../logger.js';
import { redactError } from '../../redact.js';
import { eachWithConcurrency } from '../../services/concurrency.js';
import { dispatchEvent } from '../../services/dispatcher.js';
import { listDueEventsWithTickets } from '../../store/event-outbox.js';
import { listEndpoints } from '../../store/webhook-repository.js';

/**
 * How many tickets' events are dispatched at once: as many as a batch holds (lib/jobs.ts gives
 * the stream's event source batches of 50; a scheduled round takes 50 due events). Each dispatch
 * mostly waits (DynamoDB, the receiver's answer, up to its 10 s timeout), and a batch ends with
 * its slowest ticket, so a batch takes about as long as its longest ticket, not as the sum of
 * its events; one slow receiver holds up only its own tickets. An endpoint gets at most this many
 * requests at once from one shard's batch.
 */
export const DISPATCH_CONCURRENCY = 50;

interface Item {
  key: string;
  /** Events of one ticket go one after the other, in `sequence` order; events of different tickets at once. */
  group: string;
  type?: WebhookEventType;
  record?: DynamoDBRecord;
}

/** The events by group, each group in the order given; groups in the order of their first event. */
function byGroup(items: Item[]): Item[][] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const group = groups.get(item.group);
    if (group) group.push(item);
    else groups.set(item.group, [item]);
  }
  return [...groups.values()];
}

/**
 * Dispatches the groups, at most DISPATCH_CONCURRENCY at once, the endpoints listed once for all.
 * A group stops at its first failure: the rest of that ticket's events are not sent ahead of it
 * (they are returned as failed with it); other groups carry on. Returns the failed items.
 */
async function dispatchAll(items: Item[]): Promise<Set<Item>> {
  const failed = new Set<Item>();
  if (items.length === 0) return failed;
  const endpoints = listEndpoints();
  // Each dispatch awaits it; a failed listing fails them, not the process.
  endpoints.catch(() => {});
  await eachWithConcurrency(byGroup(items), DISPATCH_CONCURRENCY, async (group) => {
    for (const [i, item] of group.entries()) {
      try {
        await dispatchEvent(item.key, new Date(), { endpoints, ...(item.type ? { type: item.type } : {}) });
      } catch (error) {
        logger.error('event dispatch failed', { error: redactError(error), eventKey: item.key });
        for (const rest of group.slice(i)) failed.add(rest);
        return;
      }
    }
  });
  return failed;
}

/** An event insert of the stream: its key, ticket and type (from the item, no read). */
function eventOf(record: DynamoDBRecord): Item | null {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image?.entity?.S !== 'event' || !image.id?.S) return null;
  const body = image.body?.M;
  const ticketId = body?.data?.M?.ticketId?.S;
  const type = body?.type?.S as WebhookEventType | undefined;
  // An event outside any ticket (a test event) has no order to keep: a group of its own.
  return { key: image.id.S, group: ticketId ? `ticket:${ticketId}` : `event:${image.id.S}`, ...(type ? { type } : {}), record };
}

/**
 * Delivers events to webhooks (and the EventBridge bus). Two triggers, one job: the table's
 * stream hands over each new event at once; a schedule (an event without Records) retries what
 * is due again from the due index. Either way a ticket's events go one after the other, in
 * order, and different tickets' events at once (DISPATCH_CONCURRENCY).
 */
export const handler = async (event: Partial<DynamoDBStreamEvent>): Promise<DynamoDBBatchResponse | { dispatched: number }> => {
  if (!event.Records) {
    // Oldest due first: a ticket's events that fall due together go in the order they were written.
    const due = await listDueEventsWithTickets(new Date());
    await dispatchAll(due.map(({ key, type, ticketId }) => ({ key, type, group: ticketId ? `ticket:${ticketId}` : `event:${key}` })));
    return { dispatched: due.length };
  }
  const items = event.Records.map(eventOf).filter((item): item is Item => item !== null);
  const failed = await dispatchAll(items);
  return {
    batchItemFailures: items
      .filter((item) => failed.has(item))
      .map((item) => ({ itemIdentifier: item.record?.dynamodb?.SequenceNumber ?? '' })),
  };
};

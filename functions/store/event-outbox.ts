import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../domain/errors.js';
import { GROWTH_LIMITS } from '../domain/limits.js';
import type { RequestStatus } from '../domain/types.js';
import type { EventDraft, WebhookEvent, WebhookEventType } from '../domain/webhook-events.js';
import { logger } from '../logger.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { ulid } from './ids.js';
import { eventKeys, keys } from './keys.js';
import { MAX_TRANSACTION_ITEMS, StaleStateError, type TxWrite, transact, txPut, txUpdate } from './transaction.js';

/**
 * The event outbox: one item per event, written in the transaction of the change that caused it
 * (so an event is never lost), drained by the dispatcher from the stream and retried from the
 * due index (gsi3 EVENTDUE) until every endpoint it was meant for got it or gave up.
 */
export interface OutboxEvent {
  key: string;
  body: WebhookEvent;
  /** Endpoints it goes to, fixed on its first dispatch; a test event names its one endpoint. */
  targets: string[] | null;
  /** When it was put on the EventBridge bus (AWS). */
  publishedAt: string | null;
}

/** Delivered events stay readable for a week, then expire. */
const DONE_RETENTION_SECONDS = 7 * 24 * 3600;

export const eventId = (key: string) => `evt_${key}`;

/** What the ticket item says about the current request: whether one is open, and its status. */
export interface TicketStanding {
  openRequestKey: string | null;
  approvalStatus: RequestStatus | null;
  currentRequestKey: string | null;
}

export async function readTicketStanding(ticketId: string): Promise<TicketStanding> {
  const { Item: item } = await documents.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.ticket(ticketId),
      ConsistentRead: true,
      ProjectionExpression: 'openRequestKey, approvalStatus, currentRequestKey',
    }),
  );
  return {
    openRequestKey: (item?.openRequestKey as string | undefined) ?? null,
    approvalStatus: (item?.approvalStatus as RequestStatus | undefined) ?? null,
    currentRequestKey: (item?.currentRequestKey as string | undefined) ?? null,
  };
}

/**
 * A ticket's events get their `sequence` after they are written, not in the writing
 * transaction. The transaction only appends their keys to the ticket item's `unsequenced` list:
 * an unconditional write, so changes that emit events at once never fail each other's
 * conditions (fifty approvers answering together). The list is in commit order;
 * assignSequences hands out the numbers after `eventSequence`, the last one given, in that
 * order (the dispatcher, before it delivers a ticket's events). Only the numbering writes
 * `eventSequence`, under a condition on the number it read, so a writer of the old kind
 * (numbering its own events under that condition, as before this design, during a deploy)
 * never shares a number with it.
 */
export function sequenceAppend(eventKeys: string[], condition?: { expression: string; values: Record<string, unknown> }) {
  // The list's cap (limits.ts): a size check, which other writers' appends cannot fail the way a
  // check of what they change would.
  const room = '(attribute_not_exists(unsequenced) OR size(unsequenced) <= :backlogRoom)';
  return {
    set: 'unsequenced = list_append(if_not_exists(unsequenced, :noEvents), :eventKeys)',
    values: {
      ':noEvents': [],
      ':eventKeys': eventKeys,
      ':backlogRoom': GROWTH_LIMITS.unnumberedEventsPerTicket - eventKeys.length,
      ...condition?.values,
    },
    condition: condition ? `${condition.expression} AND ${room}` : room,
    /** For backlogRefusal, when the condition fails. */
    eventCount: eventKeys.length,
  };
}

/** How long a change refused for a full list should wait: the dispatcher's schedule numbers a ticket's events every round. */
const BACKLOG_RETRY_AFTER_SECONDS = 60;

/**
 * The error for an append refused because the ticket's list is full, from the ticket item the
 * failed condition returned (ALL_OLD, in DynamoDB's own attribute values); null when the list
 * has room, so another part of the condition failed.
 */
export function backlogRefusal(item: Record<string, unknown> | undefined, eventCount: number): UnavailableError | null {
  const waiting = (item?.unsequenced as { L?: unknown[] } | undefined)?.L?.length ?? 0;
  if (waiting + eventCount <= GROWTH_LIMITS.unnumberedEventsPerTicket) return null;
  return new UnavailableError(
    `This ticket has ${waiting} webhook events waiting to be dispatched; nothing was changed. Try again shortly.`,
    BACKLOG_RETRY_AFTER_SECONDS,
  );
}

/**
 * The ticket item's part of a change that emits these events (sequenceAppend), as a write of its
 * own; with a `condition` on the ticket (what the caller read of it), a failed one is a
 * StaleStateError. A full list is backlogRefusal's 503.
 */
export function sequenceAppendWrite(
  ticketId: string,
  eventKeys: string[],
  condition?: { expression: string; values: Record<string, unknown> },
): TxWrite {
  const append = sequenceAppend(eventKeys, condition);
  return txUpdate(
    {
      Key: keys.ticket(ticketId),
      UpdateExpression: `SET ${append.set}`,
      ExpressionAttributeValues: append.values,
      ConditionExpression: append.condition,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
    (item) => backlogRefusal(item, append.eventCount) ?? new StaleStateError(),
  );
}

/** Outbox items of new events, with their keys (for the ticket's sequenceAppend). */
export interface NewEvents {
  keys: string[];
  writes: TxWrite[];
}

/**
 * The outbox items of these events. A ticket's events are written without a `sequence`
 * (sequenceAppend; assignSequences numbers them); `ticketId: null` is for events outside any
 * ticket's sequence (webhook.test), which carry 0.
 */
export function eventWrites(drafts: EventDraft[], ticketId: string | null, options: { targets?: string[] } = {}): NewEvents {
  const keysOf = drafts.map(() => ulid());
  const writes = drafts.map((draft, i) => {
    const key = keysOf[i] as string;
    const body = {
      id: eventId(key),
      type: draft.type,
      timestamp: draft.timestamp,
      data: ticketId ? draft.data : { ...draft.data, sequence: 0 },
    };
    return txPut({
      Item: {
        ...eventKeys.event(key),
        ...eventKeys.due(draft.timestamp, key),
        entity: 'event',
        id: key,
        body,
        ...(options.targets ? { targets: options.targets } : {}),
        createdAt: draft.timestamp,
      },
    });
  });
  return { keys: keysOf, writes };
}

/** The sequence assignSequences gave the event, or null when it has none. */
export async function readEventSequence(key: string): Promise<number | null> {
  const { Item: item } = await documents.send(
    new GetCommand({
      TableName: tableName(),
      Key: eventKeys.event(key),
      ConsistentRead: true,
      ProjectionExpression: '#body.#data.#sequence',
      ExpressionAttributeNames: { '#body': 'body', '#data': 'data', '#sequence': 'sequence' },
    }),
  );
  const sequence = (item?.body as { data?: { sequence?: unknown } } | undefined)?.data?.sequence;
  return typeof sequence === 'number' ? sequence : null;
}

/** Keys numbered in one transaction: DynamoDB's limit less the ticket item's own write. */
const SEQUENCE_BATCH = MAX_TRANSACTION_ITEMS - 1;
/** Rounds of assignSequences that may find the list's head taken by another numberer before it gives up. */
const MAX_LOST_ROUNDS = 20;
/** Rounds that number a full batch: enough for a list at its cap, with room for what is appended meanwhile. */
export const MAX_NUMBERING_ROUNDS = Math.ceil(GROWTH_LIMITS.unnumberedEventsPerTicket / SEQUENCE_BATCH) + 5;
/** Keys one round numbers at most. */
export const NUMBERED_PER_ROUND = SEQUENCE_BATCH;

/** What a ticket item says about its events still to number: the last number given, and their keys. */
interface Waiting {
  ticketId: string;
  last: number;
  keys: string[];
}

const waitingOf = (ticketId: string, item: Record<string, unknown> | undefined): Waiting => ({
  ticketId,
  last: Number(item?.eventSequence ?? 0),
  keys: (item?.unsequenced as string[] | undefined) ?? [],
});

/** A key on the ticket's list whose event item is not there (deleted by hand, restored from an older backup). */
class EventMissing extends Error {
  constructor(readonly key: string) {
    super(`event ${key} is missing`);
  }
}

/** The numbers a call gave, by event key. */
export type GivenSequences = Map<string, number>;

/**
 * The writes that number a ticket's first `count` waiting events: each gets its number on its own
 * item, and they leave the ticket's list, while the list's head and the last number are still
 * the ones read (two numberers at once cannot hand out a number twice). A `missing` key leaves
 * the list without a number: there is no event to give it to, and no gap is left for it.
 */
function numberingWrites(
  { ticketId, last, keys: waiting }: Waiting,
  count: number,
  missing: ReadonlySet<string>,
  given: GivenSequences,
): TxWrite[] {
  const batch = waiting.slice(0, count);
  const numbered = batch.filter((key) => !missing.has(key));
  for (const [i, key] of numbered.entries()) given.set(key, last + 1 + i);
  return [
    txUpdate({
      Key: keys.ticket(ticketId),
      UpdateExpression: `SET eventSequence = :last REMOVE ${batch.map((_, i) => `unsequenced[${i}]`).join(', ')}`,
      ConditionExpression: `unsequenced[0] = :head AND ${last === 0 ? '(attribute_not_exists(eventSequence) OR eventSequence = :read)' : 'eventSequence = :read'}`,
      ExpressionAttributeValues: { ':head': batch[0], ':last': last + numbered.length, ':read': last },
    }),
    ...numbered.map((key, i) =>
      txUpdate(
        {
          Key: eventKeys.event(key),
          UpdateExpression: 'SET #body.#data.#sequence = :sequence',
          // Written with its key in the same transaction, so it is there; never create a stub.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#body': 'body', '#data': 'data', '#sequence': 'sequence' },
          ExpressionAttributeValues: { ':sequence': last + 1 + i },
        },
        () => new EventMissing(key),
      ),
    ),
  ];
}

/** Of these event keys, those whose item is not there. */
async function missingEvents(eventKeyList: string[]): Promise<string[]> {
  const found = await batchGet(
    eventKeyList.map((key) => eventKeys.event(key)),
    { projection: 'pk', consistent: true },
  );
  const there = new Set(found.map((item) => item.pk as string));
  return eventKeyList.filter((key) => !there.has(eventKeys.event(key).pk));
}

/**
 * Numbers the ticket's events still without a `sequence`, oldest first, in the order their
 * changes committed. Returns the numbers it gave, by event key.
 */
export async function assignSequences(ticketId: string, given: GivenSequences = new Map()): Promise<GivenSequences> {
  const missing = new Set<string>();
  let lost = 0;
  let rounds = 0;
  // Each round numbers up to SEQUENCE_BATCH, or finds the head taken by another (a bounded number
  // of times), or finds a key without its event: a bound, not a spin.
  while (rounds < MAX_NUMBERING_ROUNDS && lost < MAX_LOST_ROUNDS) {
    const { Item: item } = await documents.send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.ticket(ticketId),
        ConsistentRead: true,
        ProjectionExpression: 'eventSequence, unsequenced',
      }),
    );
    const waiting = waitingOf(ticketId, item);
    if (waiting.keys.length === 0) return given;
    const count = Math.min(waiting.keys.length, SEQUENCE_BATCH);
    const tried = new Map<string, number>();
    try {
      await transact(numberingWrites(waiting, count, missing, tried));
    } catch (error) {
      if (error instanceof EventMissing && !missing.has(error.key)) {
        // Not a race: the item is gone. Its key leaves the list unnumbered, or it would hold up
        // every later event of the ticket for good. The transaction named only the first such
        // key: the batch's others are found with one read, so that many cost one round.
        for (const key of await missingEvents(waiting.keys.slice(0, count))) {
          logger.warn('an event on the ticket’s list has no item; its key is dropped without a number', { ticketId, eventKey: key });
          missing.add(key);
        }
        missing.add(error.key);
        continue;
      }
      // Someone else numbered some first (or, in AWS, wrote the ticket at that moment): read
      // again, after a pause of a few milliseconds so that two numberers do not keep colliding.
      if (error instanceof StaleStateError) {
        lost++;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * lost));
        continue;
      }
      throw error;
    }
    for (const [key, sequence] of tried) given.set(key, sequence);
    rounds++;
  }
  throw new Error(`ticket ${ticketId}: events still waiting for their sequence after ${rounds} rounds (${lost} lost to other numberers)`);
}

/**
 * assignSequences for many tickets at once (a dispatcher batch's): one BatchGetItem of their
 * items and as few transactions as their waiting events fill, so a batch of fifty tickets
 * costs two or three calls, not a hundred. A transaction that fails (another numberer, a
 * ticket written at that moment, more waiting than fits) leaves its tickets to assignSequences,
 * one by one. Returns the tickets that could not be numbered, with why, and the numbers given.
 */
export async function assignSequencesOf(ticketIds: string[]): Promise<{ failed: Map<string, unknown>; given: GivenSequences }> {
  const failed = new Map<string, unknown>();
  const given: GivenSequences = new Map();
  const unique = [...new Set(ticketIds)];
  if (unique.length === 0) return { failed, given };
  const items = await batchGet(
    unique.map((id) => keys.ticket(id)),
    { projection: 'pk, eventSequence, unsequenced', consistent: true },
  );
  const byKey = new Map(items.map((item) => [item.pk as string, item]));
  const waiting = unique.map((id) => waitingOf(id, byKey.get(keys.ticket(id).pk))).filter((w) => w.keys.length > 0);
  // Tickets whose waiting events fit, packed into transactions; the rest go one by one.
  const chunks: Waiting[][] = [];
  let size = MAX_TRANSACTION_ITEMS;
  const alone: Waiting[] = [];
  for (const w of waiting) {
    if (w.keys.length > SEQUENCE_BATCH) {
      alone.push(w);
      continue;
    }
    if (size + 1 + w.keys.length > MAX_TRANSACTION_ITEMS) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(w);
    size += 1 + w.keys.length;
  }
  const oneByOne = async (tickets: Waiting[]) => {
    await Promise.all(
      tickets.map((w) =>
        assignSequences(w.ticketId, given).catch((error: unknown) => {
          failed.set(w.ticketId, error);
        }),
      ),
    );
  };
  const none = new Set<string>();
  await Promise.all([
    ...chunks.map(async (chunk) => {
      const tried: GivenSequences = new Map();
      try {
        await transact(chunk.flatMap((w) => numberingWrites(w, w.keys.length, none, tried)));
      } catch {
        await oneByOne(chunk);
        return;
      }
      for (const [key, sequence] of tried) given.set(key, sequence);
    }),
    oneByOne(alone),
  ]);
  return { failed, given };
}

function toEvent(item: Record<string, unknown>): OutboxEvent {
  return {
    key: item.id as string,
    body: item.body as WebhookEvent,
    targets: (item.targets as string[] | undefined) ?? null,
    publishedAt: (item.publishedAt as string | undefined) ?? null,
  };
}

/** A claimed event; `targetsFixedNow` when this claim fixed its targets (its first dispatch: nothing delivered yet). */
export interface ClaimedEvent extends OutboxEvent {
  targetsFixedNow: boolean;
}

/**
 * Takes the event for `leaseSeconds`, so the stream and the sweep never deliver it at once.
 * Null when it is done, held by someone else, or not due yet (a retry scheduled later).
 * With `targets` (the endpoints that want it, when the caller knows its type), the same write
 * fixes them unless an earlier dispatch did: one write instead of two on a first dispatch.
 */
export async function claimEvent(
  key: string,
  now: Date,
  options: { leaseSeconds?: number; targets?: string[] } = {},
): Promise<ClaimedEvent | null> {
  const { leaseSeconds = 60, targets } = options;
  return conditionally(
    async () => {
      const result = await documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: eventKeys.event(key),
          UpdateExpression: targets ? 'SET leaseUntil = :until, targets = if_not_exists(targets, :targets)' : 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(gsi3pk) AND gsi3sk <= :due AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: {
            ':until': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
            ':now': now.toISOString(),
            ':due': `${now.toISOString()}~`,
            ...(targets ? { ':targets': targets } : {}),
          },
          // The item as it was: whether it had targets before says whether this claim fixed them.
          ReturnValues: targets ? 'ALL_OLD' : 'ALL_NEW',
        }),
      );
      if (!result.Attributes) return null;
      const event = toEvent(result.Attributes);
      if (targets && event.targets === null) return { ...event, targets, targetsFixedNow: true };
      return { ...event, targetsFixedNow: false };
    },
    () => null,
  );
}

/** Fixes the endpoints an event goes to, and notes that it is on the bus. */
export async function noteEventProgress(key: string, progress: { targets?: string[]; publishedAt?: string }): Promise<void> {
  const set = Object.keys(progress).map((name) => `${name} = :${name}`);
  if (set.length === 0) return;
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: eventKeys.event(key),
      UpdateExpression: `SET ${set.join(', ')}`,
      ExpressionAttributeValues: Object.fromEntries(Object.entries(progress).map(([k, v]) => [`:${k}`, v])),
    }),
  );
}

/**
 * A due event this round could not deliver goes behind the events due before `dueAt`, so that
 * fifty which keep failing do not hold the due index's head (the sweep takes the oldest fifty)
 * and hide the rest. Only while its place is still the one the round read (`readDue`, its
 * gsi3sk): not over a retry or a completion another dispatcher wrote meanwhile. Its lease, if
 * it has one, is left as it is.
 */
export async function deferEvent(key: string, readDue: string, dueAt: Date): Promise<void> {
  const due = eventKeys.due(dueAt.toISOString(), key);
  await conditionally(
    () =>
      documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: eventKeys.event(key),
          UpdateExpression: 'SET gsi3sk = :due',
          ConditionExpression: 'gsi3pk = :pk AND gsi3sk = :read',
          ExpressionAttributeValues: { ':pk': due.gsi3pk, ':due': due.gsi3sk, ':read': readDue },
        }),
      ),
    () => undefined,
  );
}

/** The sequence numbers these events have, by key (those without one are left out). */
export async function readEventSequences(keysOf: string[]): Promise<GivenSequences> {
  const items = await batchGet(
    keysOf.map((key) => eventKeys.event(key)),
    {
      projection: '#id, #body.#data.#sequence',
      names: { '#id': 'id', '#body': 'body', '#data': 'data', '#sequence': 'sequence' },
      consistent: true,
    },
  );
  const sequences: GivenSequences = new Map();
  for (const item of items) {
    const sequence = (item.body as { data?: { sequence?: unknown } } | undefined)?.data?.sequence;
    if (typeof sequence === 'number') sequences.set(item.id as string, sequence);
  }
  return sequences;
}

/** Some deliveries wait for a retry: the event is due again then, and released. */
export async function rescheduleEvent(key: string, dueAt: Date): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: eventKeys.event(key),
      UpdateExpression: 'SET gsi3sk = :due REMOVE leaseUntil',
      ExpressionAttributeValues: { ':due': eventKeys.due(dueAt.toISOString(), key).gsi3sk },
    }),
  );
}

/** Every delivery is settled (delivered or failed): the event leaves the due index and expires. */
export async function completeEvent(key: string, at: Date): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: eventKeys.event(key),
      UpdateExpression: 'SET doneAt = :at, expiresAt = :exp REMOVE gsi3pk, gsi3sk, leaseUntil',
      ExpressionAttributeValues: { ':at': at.toISOString(), ':exp': Math.floor(at.getTime() / 1000) + DONE_RETENTION_SECONDS },
    }),
  );
}

/** An event due, its type, and the ticket it belongs to (null: a test event, outside any ticket). */
export interface DueEvent {
  key: string;
  type: WebhookEventType;
  ticketId: string | null;
  /** Its `sequence`, null until assignSequences gave it one. */
  sequence: number | null;
  /** Its place in the due index as read (gsi3sk): deferEvent moves it only from there. */
  due: string;
}

/** Events due by `now`, oldest first, with their types and tickets (the index projects the whole item). */
export async function listDueEventsWithTickets(now: Date, limit = 50): Promise<DueEvent[]> {
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :now',
      ExpressionAttributeValues: { ':pk': eventKeys.duePk, ':now': `${now.toISOString()}~` },
      ProjectionExpression: '#id, gsi3sk, #body.#type, #body.#data.ticketId, #body.#data.#sequence',
      ExpressionAttributeNames: { '#id': 'id', '#body': 'body', '#type': 'type', '#data': 'data', '#sequence': 'sequence' },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => {
    const body = item.body as { type: WebhookEventType; data?: { ticketId?: string; sequence?: number } };
    const sequence = body.data?.sequence;
    return {
      key: item.id as string,
      type: body.type,
      ticketId: body.data?.ticketId ?? null,
      sequence: typeof sequence === 'number' ? sequence : null,
      due: item.gsi3sk as string,
    };
  });
}

/** Events due by `now`, oldest first. */
export async function listDueEvents(now: Date, limit = 50): Promise<string[]> {
  return (await listDueEventsWithTickets(now, limit)).map((e) => e.key);
}

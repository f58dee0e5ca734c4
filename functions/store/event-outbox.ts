import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestStatus } from '../domain/types.js';
import type { EventDraft, WebhookEvent, WebhookEventType } from '../domain/webhook-events.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { ulid } from './ids.js';
import { eventKeys, keys } from './keys.js';
import { type TxWrite, txPut } from './transaction.js';

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

/** What the ticket item says about its events: the last sequence, and whether a request is open. */
export interface TicketSequence {
  sequence: number;
  openRequestKey: string | null;
  approvalStatus: RequestStatus | null;
  currentRequestKey: string | null;
}

export async function readTicketSequence(ticketId: string): Promise<TicketSequence> {
  const { Item: item } = await documents.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.ticket(ticketId),
      ConsistentRead: true,
      ProjectionExpression: 'eventSequence, openRequestKey, approvalStatus, currentRequestKey',
    }),
  );
  return {
    sequence: Number(item?.eventSequence ?? 0),
    openRequestKey: (item?.openRequestKey as string | undefined) ?? null,
    approvalStatus: (item?.approvalStatus as RequestStatus | undefined) ?? null,
    currentRequestKey: (item?.currentRequestKey as string | undefined) ?? null,
  };
}

/**
 * The ticket item's part of a change that emits events: the new last sequence, guarded by the
 * one read, so two writers never hand out the same number (the loser re-reads and retries).
 */
export function sequenceUpdate(from: number, count: number) {
  return {
    set: 'eventSequence = :eventSeq',
    condition: from === 0 ? '(attribute_not_exists(eventSequence) OR eventSequence = :prevSeq)' : 'eventSequence = :prevSeq',
    values: { ':eventSeq': from + count, ':prevSeq': from },
  };
}

/** The outbox items of these events, numbered on from `from` (null: outside any ticket's sequence, 0). */
export function eventWrites(drafts: EventDraft[], from: number | null, options: { targets?: string[] } = {}): TxWrite[] {
  return drafts.map((draft, i) => {
    const key = ulid();
    const body: WebhookEvent = {
      id: eventId(key),
      type: draft.type,
      timestamp: draft.timestamp,
      data: { ...draft.data, sequence: from === null ? 0 : from + i + 1 },
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
}

/** Events due by `now`, oldest first, with their types and tickets (the index projects the whole item). */
export async function listDueEventsWithTickets(now: Date, limit = 50): Promise<DueEvent[]> {
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :now',
      ExpressionAttributeValues: { ':pk': eventKeys.duePk, ':now': `${now.toISOString()}~` },
      ProjectionExpression: '#id, #body.#type, #body.#data.ticketId',
      ExpressionAttributeNames: { '#id': 'id', '#body': 'body', '#type': 'type', '#data': 'data' },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => {
    const body = item.body as { type: WebhookEventType; data?: { ticketId?: string } };
    return { key: item.id as string, type: body.type, ticketId: body.data?.ticketId ?? null };
  });
}

/** Events due by `now`, oldest first. */
export async function listDueEvents(now: Date, limit = 50): Promise<string[]> {
  return (await listDueEventsWithTickets(now, limit)).map((e) => e.key);
}

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEvent } from '../domain/activity.js';
import type { ReceiptPayload } from '../domain/receipt.js';
import { fromRequestId } from '../domain/request-id.js';
import type { ApprovalRequest } from '../domain/types.js';
import { activityWrites } from './activity-repository.js';
import { documents, tableName } from './client.js';
import { keys, receiptKeys } from './keys.js';
import { decodeCursor, encodeCursor, invalidCursor } from './paging.js';
import { queryIndex } from './query.js';
import { INDEX } from './table-definition.js';
import { StaleStateError, type TxWrite, transact, txPut, txUpdate } from './transaction.js';

type Item = Record<string, unknown>;

/**
 * Receipts (keys.ts, access pattern 9). A request that closes gets an unsigned receipt item in
 * the same transaction (so no close is ever without one), due on its own index partition; the
 * receipt job signs it. Signing moves the ticket's chain head (`receiptHead` on the ticket item)
 * from the previous receipt to this one in one transaction, guarded by the head it read: two
 * jobs can never both link to the same previous receipt, so the chain never forks.
 *
 * Size: the payload holds the decisions (at most 100 recipients, ~400 bytes each): under 50 KB.
 */
export interface StoredReceipt {
  requestId: string;
  requestKey: string;
  status: 'pending' | 'issued';
  receipt: string | null;
  payload: ReceiptPayload | null;
  hash: string | null;
}

export interface ReceiptHead {
  requestKey: string;
  hash: string;
}

const toReceipt = (item: Item): StoredReceipt => ({
  requestId: item.requestId as string,
  requestKey: receiptKeys.keyOf(item.sk as string),
  status: item.receiptStatus as StoredReceipt['status'],
  receipt: (item.receipt as string | undefined) ?? null,
  payload: (item.payload as ReceiptPayload | undefined) ?? null,
  hash: (item.hash as string | undefined) ?? null,
});

/** The unsigned receipt of a request that closes, written with the change that closes it. */
export function pendingReceiptWrite(request: ApprovalRequest): TxWrite {
  const { requestKey } = fromRequestId(request.id);
  const closedAt = request.closedAt ?? request.updatedAt;
  return txPut(
    {
      Item: {
        ...receiptKeys.receipt(request.ticketId, requestKey),
        ...receiptKeys.due(closedAt, request.id),
        entity: 'receipt',
        ticketId: request.ticketId,
        requestId: request.id,
        receiptStatus: 'pending',
        closedAt,
      },
      // A request closes once; a second close would be a stale read of the first.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    () => new StaleStateError(),
  );
}

/** The ticket's chain head: the last signed receipt (null before the first). */
export async function readReceiptHead(ticketId: string): Promise<ReceiptHead | null> {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.ticket(ticketId),
      ConsistentRead: true,
      ProjectionExpression: 'receiptHead',
    }),
  );
  return (Item?.receiptHead as ReceiptHead | undefined) ?? null;
}

/** The ticket's receipts after `afterKey` (all when null), oldest first, up to `limit`. */
export async function receiptsAfter(ticketId: string, afterKey: string | null, limit: number): Promise<StoredReceipt[]> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.ticketPartition(ticketId),
        // BETWEEN is inclusive: the key right after the head's (`#` is below every ULID character).
        ':from': afterKey ? `${receiptKeys.receipt(ticketId, afterKey).sk}#` : receiptKeys.range.from,
        ':to': receiptKeys.range.to,
      },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return Items.map(toReceipt);
}

/**
 * Signs receipt `requestKey` into the chain: the item gets its JWS and leaves the due index, the
 * ticket's head moves from `previous` to it, and the activity log records it — or nothing,
 * with StaleStateError, when another job signed it or moved the head first.
 */
export async function saveIssuedReceipt(
  ticketId: string,
  issued: { requestKey: string; receipt: string; payload: ReceiptPayload; hash: string },
  previous: ReceiptHead | null,
  event: ActivityEvent,
): Promise<void> {
  const writes: TxWrite[] = [
    txUpdate(
      {
        Key: receiptKeys.receipt(ticketId, issued.requestKey),
        UpdateExpression: 'SET receiptStatus = :issued, receipt = :receipt, payload = :payload, #hash = :hash REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'receiptStatus = :pending',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: {
          ':issued': 'issued',
          ':pending': 'pending',
          ':receipt': issued.receipt,
          ':payload': issued.payload,
          ':hash': issued.hash,
        },
      },
      () => new StaleStateError(),
    ),
    txUpdate(
      {
        Key: keys.ticket(ticketId),
        UpdateExpression: 'SET receiptHead = :head',
        ConditionExpression: previous ? 'receiptHead.#hash = :previous' : 'attribute_not_exists(receiptHead)',
        ...(previous ? { ExpressionAttributeNames: { '#hash': 'hash' } } : {}),
        ExpressionAttributeValues: {
          ':head': { requestKey: issued.requestKey, hash: issued.hash },
          ...(previous ? { ':previous': previous.hash } : {}),
        },
      },
      () => new StaleStateError(),
    ),
    ...activityWrites(ticketId, [event]),
  ];
  await transact(writes);
}

/** One request's receipt (signed or not), or null when the request never closed. */
export async function getReceipt(ticketId: string, requestKey: string): Promise<StoredReceipt | null> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName(), Key: receiptKeys.receipt(ticketId, requestKey), ConsistentRead: true }),
  );
  return Item ? toReceipt(Item) : null;
}

/** A page of a ticket's signed receipts, oldest first (the chain's order). */
export async function listIssuedReceipts(
  ticketId: string,
  limit: number,
  cursor?: string,
): Promise<{ receipts: StoredReceipt[]; next: string | null }> {
  let after: string | null = null;
  if (cursor !== undefined) {
    const value = decodeCursor(cursor);
    if (value.ticketId !== ticketId || typeof value.after !== 'string' || !/^[0-9A-Z]{26}$/.test(value.after)) throw invalidCursor();
    after = value.after;
  }
  const page = await receiptsAfter(ticketId, after, limit + 1);
  const issued = page.filter((r) => r.status === 'issued');
  const receipts = issued.slice(0, limit);
  const last = receipts.at(-1);
  return { receipts, next: issued.length > limit && last ? encodeCursor({ ticketId, after: last.requestKey }) : null };
}

/** Tickets with a receipt still to sign (the receipt job's schedule), at most `limit`. */
export async function ticketsWithDueReceipts(now: Date, limit = 100): Promise<string[]> {
  const items = await queryIndex(INDEX.due, { partition: receiptKeys.duePk, sortAtMost: `${now.toISOString()}~`, limit });
  return [...new Set(items.map((i) => fromRequestId(String(i.gsi3sk).slice(String(i.gsi3sk).indexOf('#') + 1)).ticketId))];
}

/** The receipt of the ticket's newest request: `none` when the ticket never had one. */
export async function currentReceipt(ticketId: string): Promise<StoredReceipt | 'none' | 'open'> {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.ticket(ticketId),
      ConsistentRead: true,
      ProjectionExpression: 'currentRequestKey, openRequestKey',
    }),
  );
  const requestKey = Item?.currentRequestKey as string | undefined;
  if (!requestKey) return 'none';
  if (Item?.openRequestKey === requestKey) return 'open';
  return (await getReceipt(ticketId, requestKey)) ?? 'open';
}

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import type { Delivery } from '../domain/webhooks.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { webhookKeys } from './keys.js';

/**
 * The deliveries log: one item per event and endpoint, rewritten on every attempt, so the log
 * grows by one item per event (not per attempt) and expires after a month; read in pages.
 */
const RETENTION_SECONDS = 30 * 24 * 3600;

type Item = Record<string, unknown>;

const eventKeyOf = (delivery: Delivery) => delivery.eventId.replace(/^evt_/, '');

function toDelivery(item: Item): Delivery {
  return {
    id: item.id as string,
    eventId: item.eventId as string,
    type: item.type as Delivery['type'],
    status: item.status as Delivery['status'],
    attempts: Number(item.attempts ?? 0),
    lastResponseStatus: (item.lastResponseStatus as number | null) ?? null,
    lastError: (item.lastError as string | null) ?? null,
    lastAttemptAt: (item.lastAttemptAt as string | null) ?? null,
    nextAttemptAt: (item.nextAttemptAt as string | null) ?? null,
    attemptLog: (item.attemptLog as Delivery['attemptLog']) ?? [],
  };
}

/** The deliveries of one event to these endpoints so far, by endpoint id. */
export async function getDeliveries(eventKey: string, webhookIds: string[]): Promise<Map<string, Delivery>> {
  if (webhookIds.length === 0) return new Map();
  const items = await batchGet(
    webhookIds.map((id) => webhookKeys.delivery(id, eventKey)),
    { consistent: true },
  );
  return new Map(items.map((item) => [item.webhookId as string, toDelivery(item)]));
}

/** Writes the delivery as it is after an attempt. */
export async function saveDelivery(webhookId: string, delivery: Delivery, at: Date): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...webhookKeys.delivery(webhookId, eventKeyOf(delivery)),
        entity: 'delivery',
        webhookId,
        ...delivery,
        expiresAt: Math.floor(at.getTime() / 1000) + RETENTION_SECONDS,
      },
    }),
  );
}

export interface DeliveryPage {
  deliveries: Delivery[];
  next: string | null;
}

const badCursor = () => new ValidationError('invalid_cursor', 'The `next` cursor is not one this API gave out.');

function decodeCursor(webhookId: string, cursor: string): Item {
  let sk: unknown;
  try {
    sk = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).sk;
  } catch {
    throw badCursor();
  }
  if (typeof sk !== 'string' || !sk.startsWith(webhookKeys.deliveryPrefix)) throw badCursor();
  return { pk: webhookKeys.webhookPartition(webhookId), sk };
}

/** Access pattern 8: an endpoint's deliveries, newest first, a page at a time. */
export async function listDeliveries(webhookId: string, limit: number, cursor?: string): Promise<DeliveryPage> {
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :dlv)',
      ExpressionAttributeValues: { ':pk': webhookKeys.webhookPartition(webhookId), ':dlv': webhookKeys.deliveryPrefix },
      ScanIndexForward: false,
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: decodeCursor(webhookId, cursor) } : {}),
    }),
  );
  const last = result.LastEvaluatedKey;
  return {
    deliveries: (result.Items ?? []).map(toDelivery),
    next: last ? Buffer.from(JSON.stringify({ sk: last.sk }), 'utf8').toString('base64url') : null,
  };
}

import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { backoffMs, UNPROCESSED_KEYS_RETRY } from '../domain/backoff.js';
import { UnavailableError } from '../domain/errors.js';
import { documents, tableName } from './client.js';

type Item = Record<string, unknown>;

export interface BatchGetOptions {
  projection?: string;
  names?: Record<string, string>;
  consistent?: boolean;
}

/** The most keys one BatchGetItem takes. */
const BATCH_GET_MAX = 100;

/**
 * One BatchGetItem for up to 100 keys (more: one per 100, in parallel), following up the keys
 * DynamoDB leaves unprocessed under load with backoff; if some stay unprocessed, a 503 rather
 * than a silently shorter answer.
 */
export async function batchGet(keys: Item[], options: BatchGetOptions = {}): Promise<Item[]> {
  if (keys.length > BATCH_GET_MAX) {
    const chunks = Array.from({ length: Math.ceil(keys.length / BATCH_GET_MAX) }, (_, i) =>
      keys.slice(i * BATCH_GET_MAX, (i + 1) * BATCH_GET_MAX),
    );
    return (await Promise.all(chunks.map((chunk) => batchGet(chunk, options)))).flat();
  }
  const items: Item[] = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= 8) throw new UnavailableError('The service is busy; please retry shortly.', 2);
    if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMs(UNPROCESSED_KEYS_RETRY, attempt)));
    const result = await documents.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName()]: {
            Keys: pending,
            ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            ...(options.consistent ? { ConsistentRead: true } : {}),
          },
        },
      }),
    );
    items.push(...((result.Responses?.[tableName()] ?? []) as Item[]));
    pending = (result.UnprocessedKeys?.[tableName()]?.Keys as Item[] | undefined) ?? [];
  }
  return items;
}

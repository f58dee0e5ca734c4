import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.js';
import { indexKeys } from './keys.js';

/** One piece of due work on the sharded due index: what kind of item it is, and its id. */
export interface DueWork {
  /** The item's `entity`: `outbox` (mail to send), `request` (an automatic reminder), … */
  entity: string;
  id: string;
  dueAt: string;
}

/**
 * Access pattern 7: work due by `now`, oldest first, up to `perShard` from every shard of the
 * due index (keys.ts SHARDS), read in parallel. The sweep calls it again until nothing is due.
 */
export async function listDue(now: Date, perShard = 25): Promise<DueWork[]> {
  const pages = await Promise.all(
    indexKeys.duePks().map((pk) =>
      documents.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :now',
          ExpressionAttributeValues: { ':pk': pk, ':now': `${now.toISOString()}~` },
          Limit: perShard,
        }),
      ),
    ),
  );
  return pages
    .flatMap((page) => page.Items ?? [])
    .map((item) => ({
      entity: String(item.entity),
      id: String(item.entity === 'request' ? item.requestId : item.id),
      dueAt: String(item.gsi3sk).slice(0, 24),
    }))
    .sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}

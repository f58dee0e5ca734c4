import { type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REQUEST_STATUSES } from '../../domain/types.js';
import { isConditionFailed } from '../conditions.js';
import { legacyIndexKeys } from '../keys.js';
import { INDEX, type Index } from '../table-definition.js';

type Item = Record<string, unknown>;

/** The table a migration works on, and the client it goes through (the local stack's, or the operator's in AWS). */
export interface MigrationTarget {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

/** What one run did, per legacy partition: items moved onto their shard, and those left alone. */
export interface PartitionOutcome {
  partition: string;
  /** Moved onto their shard key. */
  moved: number;
  /** Changed by another write between the read and the write, which put them on their shard or off the index: left as they are. */
  changedMeanwhile: number;
  /** A sort key not of the shape the release before sharding wrote: left alone, and named in the log. */
  unreadable: number;
}

/** Items read (and moved) per page: a page's writes go in parallel. */
const PAGE_SIZE = 100;

/**
 * Moves every item still keyed on an index partition of the release before sharding (keys.ts
 * `legacyIndexKeys`: gsi3 `DUE` and `REMIND`, gsi2 `STATUS#<status>`) onto its shard, as keys.ts
 * builds it for a new write (the same sort key, so the same order and the same due time).
 *
 * - Idempotent: an item moved is no longer on the partition; a second run finds nothing.
 * - Paged: each partition is read a page at a time (keys only), to its end.
 * - Conditional: each item is rewritten only if its index key is still the one read. An item a
 *   sweep, a decision or a retry changed meanwhile keeps what that write wrote (see moveItem).
 *
 * It touches nothing but the two index attributes, so it may run while the service runs.
 */
export async function shardLegacyIndexKeys(target: MigrationTarget, log: (line: string) => void = () => {}): Promise<PartitionOutcome[]> {
  const outcomes: PartitionOutcome[] = [];
  for (const partition of legacyIndexKeys.duePks) {
    outcomes.push(await movePartition(target, INDEX.due, partition, (sk) => legacyIndexKeys.dueOnShard(sk), log));
  }
  for (const status of REQUEST_STATUSES) {
    const partition = legacyIndexKeys.ticketStatusPk(status);
    outcomes.push(await movePartition(target, INDEX.listings, partition, (sk) => legacyIndexKeys.statusOnShard(status, sk), log));
  }
  return outcomes;
}

/**
 * One item: rewritten onto its shard if its index key is still the one read. If the condition
 * fails, the item is read again: another write that kept it on the legacy partition with a new
 * sort key (the outbox moves only the sort key when it reschedules a retry) is moved with that
 * one; any other change already put it on its shard or off the index, and is left as it is.
 */
async function moveItem(
  { documents, tableName }: MigrationTarget,
  index: Index,
  partition: string,
  onShard: (sortKey: string) => Record<string, string> | null,
  found: Item,
): Promise<'moved' | 'changedMeanwhile' | 'unreadable'> {
  const key = { pk: found.pk, sk: found.sk };
  let sortKey = found[index.sortKey];
  for (let attempt = 0; attempt < 5; attempt++) {
    const shardKey = typeof sortKey === 'string' ? onShard(sortKey) : null;
    if (!shardKey) return 'unreadable';
    const names = Object.keys(shardKey);
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `SET ${names.map((_, i) => `#k${i} = :k${i}`).join(', ')}`,
          ConditionExpression: '#pk = :legacyPk AND #sk = :legacySk',
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            '#sk': index.sortKey,
            ...Object.fromEntries(names.map((name, i) => [`#k${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':legacyPk': partition,
            ':legacySk': sortKey,
            ...Object.fromEntries(names.map((name, i) => [`:k${i}`, shardKey[name]])),
          },
        }),
      );
      return 'moved';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const { Item: current } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      }),
    );
    if (current?.[index.partitionKey] !== partition) return 'changedMeanwhile';
    sortKey = current[index.sortKey];
  }
  return 'changedMeanwhile';
}

async function movePartition(
  { documents, tableName }: MigrationTarget,
  index: Index,
  partition: string,
  onShard: (sortKey: string) => Record<string, string> | null,
  log: (line: string) => void,
): Promise<PartitionOutcome> {
  const outcome: PartitionOutcome = { partition, moved: 0, changedMeanwhile: 0, unreadable: 0 };
  let start: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': partition },
        ProjectionExpression: 'pk, sk, #sk',
        Limit: PAGE_SIZE,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    await Promise.all(
      (page.Items ?? []).map(async (item) => {
        const result = await moveItem({ documents, tableName }, index, partition, onShard, item);
        outcome[result]++;
        if (result === 'unreadable') log(`${index.name} ${partition}: left ${item.pk} / ${item.sk} alone: its sort key is not <time>#<id>`);
      }),
    );
    start = page.LastEvaluatedKey;
  } while (start);
  if (outcome.moved || outcome.changedMeanwhile || outcome.unreadable) {
    log(
      `${index.name} ${partition}: ${outcome.moved} moved onto their shard, ${outcome.changedMeanwhile} changed meanwhile (left as they are), ${outcome.unreadable} left alone`,
    );
  }
  return outcome;
}

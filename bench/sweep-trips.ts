/**
 * Measurement 3, the sweeper: DynamoDB calls of one scheduled sweep run (functions/handlers/jobs/
 * sweeper.ts, invoked in this process) while open requests wait on the due index with their
 * deadline and reminder still to come. The design reads one page of every due shard and nothing
 * more, whatever the number of such requests: runs at 1 and at `many` must cost the same.
 */
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { indexKeys, SHARDS } from '../functions/store/keys.js';
import type { ApiClient } from '../tools/api-client.js';
import { ticketBody, unique } from '../tools/request-body.js';
import { type BenchApprover, benchTicket, eachLimited } from './api.js';
import type { DynamoCall, Harness } from './in-process.js';

export interface SweepRun {
  name: string;
  /** Open requests on the due index, none due. */
  requests: number;
  /** What the due index held before the run (all partitions the sweep reads, due or not), by entity. */
  onIndex: string;
  /** What the sweep reported it did. */
  outcome: unknown;
  calls: DynamoCall[];
  attempts: number;
  ms: number;
}

/**
 * The design: one Query per due shard (keys.ts SHARDS.due) and nothing else. The partitions of
 * the release before sharding are no longer read: functions/store/migrations moves their items.
 */
export const SWEEP_MINIMUM = Array.from({ length: SHARDS.due }, () => 'Query');

/** Items on the due index (every shard the sweep reads), due or not, by entity: read outside the count. */
async function dueIndexItems(api: ApiClient): Promise<string> {
  const byEntity = new Map<string, number>();
  for (const pk of indexKeys.duePks()) {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await api.dynamodb.send(
        new QueryCommand({
          TableName: api.info.dynamodb.tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ProjectionExpression: 'entity',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) byEntity.set(item.entity?.S ?? '?', (byEntity.get(item.entity?.S ?? '?') ?? 0) + 1);
      start = page.LastEvaluatedKey;
    } while (start);
  }
  const total = [...byEntity.values()].reduce((a, b) => a + b, 0);
  return `${total} item(s)${total ? ` (${[...byEntity].map(([entity, n]) => `${n} ${entity}`).join(', ')})` : ''}`;
}

export async function measureSweepTrips(
  api: ApiClient,
  harness: Harness,
  technician: Record<string, unknown>,
  approvers: BenchApprover[],
  many = 200,
): Promise<SweepRun[]> {
  // Each request: one recipient, a deadline in 2 h, a reminder every 24 h: on the due index, not due.
  const open = async (i: number) => {
    const ticketId = unique('sweep');
    const approver = approvers[i % approvers.length] as BenchApprover;
    const reply = await harness.run({
      route: 'create-approval',
      claims: technician,
      pathParameters: { ticketId },
      body: ticketBody([approver.approverId], {
        ...benchTicket(ticketId),
        remindEveryHours: 24,
        deadline: { at: new Date(Date.now() + 2 * 3600_000).toISOString(), outcome: 'decline' },
      }),
    });
    if (reply.status !== 201) throw new Error(`creating sweep request ${i} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  };
  const measure = async (requests: number): Promise<SweepRun> => {
    await api.waitForIdle(); // their mails sent: no outbox entry left due
    const onIndex = await dueIndexItems(api);
    const seen = await harness.invokeJob('sweeper');
    const name = `sweeper run, ${requests} open request${requests === 1 ? '' : 's'} (deadline and reminder to come)`;
    return { name, requests, onIndex, outcome: seen.value, calls: seen.calls, attempts: seen.attempts, ms: seen.ms };
  };

  await open(0);
  const one = await measure(1);
  await eachLimited(
    Array.from({ length: many - 1 }, (_, i) => i + 1),
    4,
    open,
  );
  return [one, await measure(many)];
}

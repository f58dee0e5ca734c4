import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delegation } from '../domain/delegation.js';
import { toRequestId } from '../domain/request-id.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { type DirectoryEntry, toDirectoryEntry } from './directory-repository.js';
import { indexKeys, keys } from './keys.js';
import { INDEX, TABLE_DEFINITION } from './table-definition.js';

type Item = Record<string, unknown>;

/** An ended delegation's item is left for DynamoDB's TTL a week after `until` (reads treat it as ended at `until`). */
const KEEP_AFTER_UNTIL_SECONDS = 7 * 86_400;

function toDelegation(item: Item): Delegation {
  return {
    approverId: item.approverId as string,
    kind: item.kind as Delegation['kind'],
    substituteId: item.substituteId as string,
    substituteName: item.substituteName as string,
    from: item.from as string,
    until: item.until as string,
    note: typeof item.note === 'string' ? item.note : null,
    setBy: item.setBy as Delegation['setBy'],
    setAt: item.setAt as string,
  };
}

export async function getDelegation(approverId: string): Promise<Delegation | null> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName(), Key: keys.delegation(approverId), ConsistentRead: true }));
  return Item ? toDelegation(Item) : null;
}

/**
 * A new request's look-up, in one BatchGetItem: the directory entries of `approverIds` (who is
 * listed) and the delegations of `delegatorIds` (its recipients: who is away). At most 60 entries
 * and 50 delegations; past 100 keys (a deadline escalating to 10 more), two calls in parallel.
 */
export async function getApproversAndDelegations(
  approverIds: string[],
  delegatorIds: string[],
): Promise<{ entries: Map<string, DirectoryEntry>; delegations: Delegation[] }> {
  const keysWanted = [
    ...[...new Set(approverIds)].map((id) => keys.approver(id)),
    ...[...new Set(delegatorIds)].map((id) => keys.delegation(id)),
  ];
  if (keysWanted.length === 0) return { entries: new Map(), delegations: [] };
  const items = await batchGet(keysWanted, { consistent: true });
  const [entrySk, delegationSk] = [keys.approver('').sk, keys.delegation('').sk];
  return {
    entries: new Map(items.filter((item) => item.sk === entrySk).map((item) => [item.approverId as string, toDirectoryEntry(item)])),
    delegations: items.filter((item) => item.sk === delegationSk).map(toDelegation),
  };
}

/**
 * Sets (or replaces) the approver's delegation. `due`: it starts later, so it waits on the due
 * index at `from` for the sweep to hand over the open requests then (entity `delegation`).
 */
export async function putDelegation(delegation: Delegation, due: boolean): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.delegation(delegation.approverId),
        entity: 'delegation',
        id: delegation.approverId,
        ...delegation,
        [TABLE_DEFINITION.ttlAttribute]: Math.floor(Date.parse(delegation.until) / 1000) + KEEP_AFTER_UNTIL_SECONDS,
        ...(due ? indexKeys.due(delegation.from, delegation.approverId) : {}),
      },
    }),
  );
}

/** The delegation's open requests were handed over: it leaves the due index (unless it was replaced meanwhile). */
export async function markDelegationStarted(delegation: Delegation, at: string): Promise<void> {
  await conditionally(
    () =>
      documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.delegation(delegation.approverId),
          UpdateExpression: `SET startedAt = :at REMOVE ${INDEX.due.partitionKey}, ${INDEX.due.sortKey}`,
          ConditionExpression: 'setAt = :setAt',
          ExpressionAttributeValues: { ':at': at, ':setAt': delegation.setAt },
        }),
      ),
    () => undefined,
  );
}

export async function deleteDelegation(approverId: string): Promise<void> {
  await documents.send(new DeleteCommand({ TableName: tableName(), Key: keys.delegation(approverId) }));
}

/**
 * The open requests waiting on the approver (they are pending there), newest first, at most
 * `limit`: the first half of access pattern 4 (gsi1 APPROVER#a#WAITING).
 */
export async function waitingRequestIds(approverId: string, limit: number): Promise<string[]> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: INDEX.approverRequests.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.approverRequestsPk(approverId, true) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((item) => toRequestId(item.ticketId as string, item.requestKey as string));
}

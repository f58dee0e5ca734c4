import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRequestId } from '../../functions/domain/request-id.js';
import { REQUEST_STATUSES } from '../../functions/domain/types.js';
import { indexKeys, keys, legacyIndexKeys } from '../../functions/store/keys.js';
import { INDEX, TABLE_DEFINITION } from '../../functions/store/table-definition.js';
import { ensureTable, TableMismatchError } from '../../local/bootstrap-table.js';
import { ensureSignoffTable } from '../../local/signoff-table.js';
import { dumpTable } from '../../tools/table-dump.js';
import { local } from '../support/api.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';

/** `npm start` on a table created from an older definition (docs/changing.md, "Change the table"). */
describe('the local stack and a table from an older definition', () => {
  const client = new DynamoDBClient({
    region: local().region,
    endpoint: local().dynamodb.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tables: string[] = [];
  const tableName = () => {
    const name = `migration-${randomUUID().slice(0, 8)}`;
    tables.push(name);
    return name;
  };
  afterAll(async () => {
    for (const TableName of tables) await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  });

  it('creates the index a newer definition added, and keeps the data', async () => {
    const name = tableName();
    const [first, ...rest] = TABLE_DEFINITION.indexes;
    await ensureTable({ client, tableName: name, definition: { ...TABLE_DEFINITION, indexes: [first] } });
    await ensureTable({ client, tableName: name, definition: TABLE_DEFINITION });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual([first, ...rest].map((i) => i.name).sort());
    // DynamoDB Local builds the added indexes one after the other, each until ACTIVE: on a busy
    // 2-core machine that took over the project's 60 s once. A resource bound, not an assertion.
  }, 240_000);

  it('refuses a table whose keys changed, saying what to delete', async () => {
    const name = tableName();
    await ensureTable({ client, tableName: name, definition: { ...TABLE_DEFINITION, sortKey: 'sk2' } });
    const again = ensureTable({ client, tableName: name, definition: TABLE_DEFINITION });
    await expect(again).rejects.toBeInstanceOf(TableMismatchError);
    await expect(again).rejects.toThrow(/other keys.*delete the local data/);
  });
});

/**
 * A table the release before sharding wrote: its due work on gsi3 `DUE` (outbox) and `REMIND`
 * (requests), its tickets on gsi2 `STATUS#<status>`. Items are saved as today, then put back on
 * those partitions raw, as that release left them.
 */
describe('the local stack and items on the partitions from before sharding', () => {
  const client = new DynamoDBClient({
    region: local().region,
    endpoint: local().dynamodb.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const raw = DynamoDBDocumentClient.from(client);
  let tableName: string;
  let store: typeof import('../../functions/store/approval-repository.js');
  let outbox: typeof import('../../functions/store/outbox-repository.js');
  let due: typeof import('../../functions/services/reminders.js');
  let migration: typeof import('../../functions/store/migrations/shard-legacy-index-keys.js');
  beforeAll(async () => {
    tableName = await useOwnTable('legacy');
    store = await import('../../functions/store/approval-repository.js');
    outbox = await import('../../functions/store/outbox-repository.js');
    due = await import('../../functions/services/reminders.js');
    migration = await import('../../functions/store/migrations/shard-legacy-index-keys.js');
  });
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  });

  const hours = (from: Date, h: number) => new Date(from.getTime() + h * 3600_000);
  const read = async (key: { pk: string; sk: string }) =>
    (await raw.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item ?? {};
  /** Puts an item's index key back on a partition of the release before sharding (its sort key kept). */
  const toLegacy = (key: { pk: string; sk: string }, attribute: string, partition: string) =>
    raw.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #a = :p',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':p': partition },
      }),
    );
  const onPartition = async (index: { name: string; partitionKey: string }, partition: string) =>
    (
      await raw.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': partition },
        }),
      )
    ).Items ?? [];
  /** The key of a request's item. */
  const requestItem = (requestId: string) => {
    const { ticketId, requestKey } = fromRequestId(requestId);
    return keys.request(ticketId, requestKey);
  };

  it('moves them onto their shard on start; the sweep then acts on them and the status list shows them', async () => {
    const created = new Date();
    // A deadline in an hour, and an automatic reminder every 24 hours: both waited on REMIND.
    const withDeadline = await savedRequest(['a'], { now: created, deadline: { at: hours(created, 1).toISOString(), outcome: 'decline' } });
    const withReminder = await savedRequest(['b'], { now: created, remindEveryHours: 24 });
    const mailIds = await outbox.listDueOutbox(new Date(Date.now() + 1000), 100);
    expect(mailIds.length).toBeGreaterThan(0);
    const requestKeys = [withDeadline, withReminder].map((r) => requestItem(r.requestId));
    const dueKeysSaved = await Promise.all(requestKeys.map(async (r) => (await read(r)).gsi3sk));
    for (const r of requestKeys) await toLegacy(r, INDEX.due.partitionKey, 'REMIND');
    for (const id of mailIds) await toLegacy(keys.outbox(id), INDEX.due.partitionKey, 'DUE');
    for (const { ticketId } of [withDeadline, withReminder])
      await toLegacy(keys.ticket(ticketId), INDEX.listings.partitionKey, 'STATUS#pending');
    const later = hours(created, 25);

    // This release reads the shards only: none of them is seen before the migration.
    expect(await outbox.listDueOutbox(later, 100)).toEqual([]);
    const pendingTickets = async () => (await store.listTicketsByStatus('pending', 100)).tickets.map((t) => t.ticketId);
    expect(await pendingTickets()).not.toContain(withDeadline.ticketId);

    // npm start on this table.
    await ensureSignoffTable(client, tableName);

    for (const partition of legacyIndexKeys.duePks) expect(await onPartition(INDEX.due, partition)).toEqual([]);
    for (const status of REQUEST_STATUSES) expect(await onPartition(INDEX.listings, legacyIndexKeys.ticketStatusPk(status))).toEqual([]);
    for (const [i, { requestId }] of [withDeadline, withReminder].entries()) {
      const item = await read(requestItem(requestId));
      // Its shard, with the sort key it had (the same due time), as a save would key it.
      expect(item.gsi3sk).toBe(dueKeysSaved[i]);
      expect({ gsi3pk: item.gsi3pk, gsi3sk: item.gsi3sk }).toEqual(indexKeys.due(String(item.gsi3sk).slice(0, 24), requestId));
    }
    for (const { ticketId } of [withDeadline, withReminder]) {
      const item = await read(keys.ticket(ticketId));
      expect(item.gsi2pk).toBe(indexKeys.ticketStatus('pending', String(item.updatedAt), ticketId).gsi2pk);
    }
    expect((await outbox.listDueOutbox(later, 100)).sort()).toEqual([...mailIds].sort());
    expect(await pendingTickets()).toEqual(expect.arrayContaining([withDeadline.ticketId, withReminder.ticketId]));

    // A second start moves nothing and changes nothing.
    const before = await dumpTable(client, tableName);
    const again = await migration.shardLegacyIndexKeys({ documents: raw, tableName });
    expect(again.every((o) => o.moved + o.changedMeanwhile + o.unreadable === 0)).toBe(true);
    expect(await dumpTable(client, tableName)).toEqual(before);

    // The sweep finds both requests on their shards and acts on them.
    expect(await due.actOnDueRequests(later)).toEqual({ reminded: 1, deadlines: 1 });
    expect(await store.loadRequest(withDeadline.requestId)).toMatchObject({ status: 'declined', closedReason: 'deadline' });
    expect((await store.loadRequest(withReminder.requestId))?.recipients[0]?.reminders).toBe(1);
  });

  it('leaves an item changed meanwhile as that change wrote it, and follows one rescheduled on the old partition', async () => {
    const created = new Date();
    const [moved, rescheduled] = await Promise.all([
      savedRequest(['a'], { now: created, remindEveryHours: 24 }),
      savedRequest(['b'], { now: created, remindEveryHours: 24 }),
    ]);
    const movedKey = requestItem(moved.requestId);
    const rescheduledKey = requestItem(rescheduled.requestId);
    for (const key of [movedKey, rescheduledKey]) await toLegacy(key, INDEX.due.partitionKey, 'REMIND');
    const laterSk = (id: string) => indexKeys.due(hours(created, 48).toISOString(), id);
    // Between the migration's read and its write, another write changes each item: one onto its
    // shard at a new due time (as a request's save does), one to a new due time still on REMIND.
    const interfering = new Proxy(raw, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { input: { Key?: { sk?: string }; UpdateExpression?: string } }) => {
          const sk = command.input.Key?.sk;
          if (command instanceof UpdateCommand && (sk === movedKey.sk || sk === rescheduledKey.sk) && !interfered.has(sk)) {
            interfered.add(sk);
            const id = sk === movedKey.sk ? moved.requestId : rescheduled.requestId;
            const next = laterSk(id);
            await raw.send(
              new UpdateCommand({
                TableName: tableName,
                Key: sk === movedKey.sk ? movedKey : rescheduledKey,
                UpdateExpression: sk === movedKey.sk ? 'SET gsi3pk = :pk, gsi3sk = :sk' : 'SET gsi3sk = :sk',
                ExpressionAttributeValues: sk === movedKey.sk ? { ':pk': next.gsi3pk, ':sk': next.gsi3sk } : { ':sk': next.gsi3sk },
              }),
            );
          }
          return target.send(command as never);
        };
      },
    });
    const interfered = new Set<string>();
    const outcomes = await migration.shardLegacyIndexKeys({ documents: interfering, tableName });
    expect(interfered.size).toBe(2);
    expect(outcomes.find((o) => o.partition === 'REMIND')).toMatchObject({ moved: 1, changedMeanwhile: 1, unreadable: 0 });
    for (const [key, id] of [
      [movedKey, moved.requestId],
      [rescheduledKey, rescheduled.requestId],
    ] as const) {
      const item = await read(key);
      expect({ gsi3pk: item.gsi3pk, gsi3sk: item.gsi3sk }).toEqual(laterSk(id));
    }
  });
});

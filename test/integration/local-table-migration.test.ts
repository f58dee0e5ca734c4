import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../functions/store/table-definition.js';
import { ensureTable, TableMismatchError } from '../../local/bootstrap-table.js';
import { local } from '../support/api.js';

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
  });

  it('refuses a table whose keys changed, saying what to delete', async () => {
    const name = tableName();
    await ensureTable({ client, tableName: name, definition: { ...TABLE_DEFINITION, sortKey: 'sk2' } });
    const again = ensureTable({ client, tableName: name, definition: TABLE_DEFINITION });
    await expect(again).rejects.toBeInstanceOf(TableMismatchError);
    await expect(again).rejects.toThrow(/other keys.*delete the local data/);
  });
});

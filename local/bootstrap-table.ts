import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/** The shape of `TABLE_DEFINITION` in functions/store/table-definition.ts; every key is a string. */
export interface TableDefinition {
  partitionKey: string;
  sortKey: string;
  ttlAttribute?: string;
  indexes: readonly { name: string; partitionKey: string; sortKey: string }[];
}

const describeTable = async (client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const createTable = async (client: DynamoDBClient, tableName: string, definition: TableDefinition) => {
  const keyNames = new Set<string>([definition.partitionKey, definition.sortKey]);
  for (const index of definition.indexes) keyNames.add(index.partitionKey).add(index.sortKey);
  const created = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: definition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return created.TableDescription;
};

const enableStream = async (client: DynamoDBClient, tableName: string) =>
  (
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    )
  ).TableDescription;

const ensureTimeToLive = async (client: DynamoDBClient, tableName: string, attributeName: string) => {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  // UpdateTimeToLive fails with a ValidationException when TTL is already on.
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attributeName },
    }),
  );
};

const keyOf = (schema: TableDescription['KeySchema'], type: 'HASH' | 'RANGE') => schema?.find((k) => k.KeyType === type)?.AttributeName;

/** The table's key schema no longer matches the definition: data of another shape, which we do not guess at. */
export class TableMismatchError extends Error {
  override name = 'TableMismatchError';
}

/** Polls DescribeTable until the table and every index on it are ACTIVE (a minute at most). */
const untilIndexesActive = async (client: DynamoDBClient, tableName: string) => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const ready = Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`The local table ${tableName} did not finish building its indexes within a minute.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * Brings a table created from an older definition up to this one: an index the definition added
 * is created (its items are back-filled by DynamoDB); a key or an index whose keys changed cannot
 * be migrated in place, so it says so and what to do, instead of serving a table the code does not
 * fit. An index the definition no longer has is left alone (nothing queries it).
 */
const migrateTable = async (client: DynamoDBClient, table: TableDescription, definition: TableDefinition) => {
  const tableName = table.TableName ?? '';
  const removeData = `Stop the stack and delete the local data (rm -rf .signoff/dynamodb, or SIGNOFF_STATE_DIR's), then npm start again.`;
  if (keyOf(table.KeySchema, 'HASH') !== definition.partitionKey || keyOf(table.KeySchema, 'RANGE') !== definition.sortKey) {
    throw new TableMismatchError(
      `The local table ${tableName} was created with other keys than functions/store/table-definition.ts. ${removeData}`,
    );
  }
  const existing = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  for (const index of definition.indexes) {
    const found = existing.get(index.name);
    if (!found) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            },
          ],
        }),
      );
      // DynamoDB builds one new index at a time: wait until this one is ready before the next.
      await untilIndexesActive(client, tableName);
      console.log(`[signoff] local table ${tableName}: created index ${index.name} that table-definition.ts added`);
    } else if (keyOf(found.KeySchema, 'HASH') !== index.partitionKey || keyOf(found.KeySchema, 'RANGE') !== index.sortKey) {
      throw new TableMismatchError(
        `The local table ${tableName} has index ${index.name} with other keys than functions/store/table-definition.ts. ${removeData}`,
      );
    }
  }
};

/**
 * Creates the table from the shared definition unless it already exists; an existing one is
 * migrated to the definition where DynamoDB can (see migrateTable), then its items by
 * `migrateItems` (a new table has none to migrate), and its stream switched on.
 * Returns the stream ARN for the poller.
 */
export const ensureTable = async (options: {
  client: DynamoDBClient;
  tableName: string;
  definition: TableDefinition;
  /** Rewrites items an older release left in a shape the code no longer reads (functions/store/migrations). */
  migrateItems?: (client: DynamoDBClient, tableName: string) => Promise<void>;
}): Promise<string> => {
  const { client, tableName, definition } = options;
  const existing = await describeTable(client, tableName);
  if (existing) {
    await migrateTable(client, existing, definition);
    if (options.migrateItems) {
      await untilIndexesActive(client, tableName);
      await options.migrateItems(client, tableName);
    }
  }
  let table = existing ?? (await createTable(client, tableName, definition));
  if (!table?.StreamSpecification?.StreamEnabled) table = await enableStream(client, tableName);
  if (definition.ttlAttribute) await ensureTimeToLive(client, tableName, definition.ttlAttribute);
  const streamArn = table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
};

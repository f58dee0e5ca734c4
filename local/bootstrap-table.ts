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

/**
 * Creates the table from the shared definition unless it already exists (an existing table is
 * kept as it is, apart from switching its stream on). Returns the stream ARN for the poller.
 */
export const ensureTable = async (options: { client: DynamoDBClient; tableName: string; definition: TableDefinition }): Promise<string> => {
  const { client, tableName, definition } = options;
  let table = (await describeTable(client, tableName)) ?? (await createTable(client, tableName, definition));
  if (!table?.StreamSpecification?.StreamEnabled) table = await enableStream(client, tableName);
  if (definition.ttlAttribute) await ensureTimeToLive(client, tableName, definition.ttlAttribute);
  const streamArn = table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
};

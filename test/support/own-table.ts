import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from '../../functions/store/table-definition.js';
import { ensureTable } from '../../local/bootstrap-table.js';
import { local } from './api.js';

/**
 * Points this test file's in-process handlers at a fresh table on the run's DynamoDB Local:
 * the local stack's mailer does not watch it, so the test alone decides what is delivered.
 * Call before importing any module of functions/ (they read their config on first use).
 */
export async function useOwnTable(prefix: string): Promise<string> {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const { dynamodb, region } = local();
  const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
  await ensureTable({
    client: new DynamoDBClient({ region, endpoint: dynamodb.endpoint, credentials }),
    tableName,
    definition: TABLE_DEFINITION,
  });
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    PORTAL_URL: 'https://portal.example/portal/',
    MAIL_FROM: 'approvals@example.com',
  });
  return tableName;
}

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DirectoryEntry } from '../../functions/store/directory-repository.js';
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

/**
 * useOwnTable, then the store and mail modules the own-table tests drive (imported only now,
 * so they read this table's settings).
 */
export async function ownTableModules(prefix: string) {
  await useOwnTable(prefix);
  return {
    store: await import('../../functions/store/approval-repository.js'),
    outbox: await import('../../functions/store/outbox-repository.js'),
    activity: await import('../../functions/store/activity-repository.js'),
    keys: await import('../../functions/store/keys.js'),
    client: await import('../../functions/store/client.js'),
    mailer: await import('../../functions/services/mailer.js'),
    approvals: await import('../../functions/services/approvals.js'),
    reminders: await import('../../functions/services/reminders.js'),
    views: await import('../../functions/http/views.js'),
    requestIds: await import('../../functions/domain/request-id.js'),
    approvers: await import('../../functions/store/directory-repository.js'),
    directory: await import('../../functions/services/directory.js'),
  };
}

export type OwnTableModules = Awaited<ReturnType<typeof ownTableModules>>;

/** A listed directory entry with its Cognito login, as PUT /directory/approvers saves one. */
export function listedEntry(entry: { approverId: string; name: string; email: string; sub: string }): DirectoryEntry {
  const { sub, ...approver } = entry;
  const at = '2026-01-01T00:00:00.000Z';
  return { ...approver, kind: 'user', createdAt: at, updatedAt: at, listed: true, login: { username: entry.email, sub } };
}

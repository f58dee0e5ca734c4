import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOKS } from '../../functions/domain/webhooks.js';
import { invokeRoute } from '../../tools/invoke.js';
import { dumpTable } from '../../tools/table-dump.js';
import { local } from '../support/api.js';
import { useOwnTable } from '../support/own-table.js';

/**
 * The webhook routes in this process on a table of this file's own, so the endpoint count is
 * this file's alone (the shared stack's other tests register endpoints too).
 */
const technician = { sub: `tech-${randomUUID().slice(0, 8)}`, email: 'tess@example.com', 'cognito:groups': ['technicians'] };
const url = 'http://127.0.0.1:9/hook';
let tableName: string;
const table = () => {
  const { dynamodb, region } = local();
  return dumpTable(
    new DynamoDBClient({ region, endpoint: dynamodb.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    tableName,
  );
};

beforeAll(async () => {
  tableName = await useOwnTable('webhook-limits');
  const keyFile = join(mkdtempSync(join(tmpdir(), 'signoff-wh-')), 'webhook.key');
  writeFileSync(keyFile, randomBytes(32));
  Object.assign(process.env, { WEBHOOK_KEY_FILE: keyFile, WEBHOOK_ALLOW_LOOPBACK: 'true', LOG_LEVEL: 'SILENT' });
});

const create = (headers: Record<string, string> = {}) =>
  invokeRoute({ route: 'create-webhook', claims: technician, body: { url }, headers });
const remove = (id: string) => invokeRoute({ route: 'delete-webhook', claims: technician, pathParameters: { id } });

describe('webhook secrets in Idempotency-Key replies', () => {
  it('keeps no plaintext secret at rest, and a replay answers the same secret', async () => {
    const key = randomUUID();
    const first = await create({ 'idempotency-key': key });
    expect(first.status).toBe(201);
    const secret = first.body?.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const rotateKey = randomUUID();
    const rotated = await invokeRoute({
      route: 'rotate-webhook-secret',
      claims: technician,
      pathParameters: { id: first.body?.id as string },
      headers: { 'idempotency-key': rotateKey },
    });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body?.secret as string;

    const stored = (await table()).join('\n');
    expect(stored).toContain(key);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice('whsec_'.length));
    expect(stored).not.toContain(newSecret.slice('whsec_'.length));

    const replay = await create({ 'idempotency-key': key });
    expect(replay).toEqual(first);
    const rotateReplay = await invokeRoute({
      route: 'rotate-webhook-secret',
      claims: technician,
      pathParameters: { id: first.body?.id as string },
      headers: { 'idempotency-key': rotateKey },
    });
    expect(rotateReplay).toEqual(rotated);
    expect((await remove(first.body?.id as string)).status).toBe(204);
  });
});

describe('the webhook limit', () => {
  it(`holds under concurrent registrations: at ${MAX_WEBHOOKS - 1}, of five at once exactly one succeeds`, async () => {
    const existing = [];
    for (let i = 0; i < MAX_WEBHOOKS - 1; i++) existing.push(await create());
    expect(existing.map((r) => r.status)).toEqual(existing.map(() => 201));

    const racing = await Promise.all(Array.from({ length: 5 }, () => create()));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const refused of racing.filter((r) => r.status === 409))
      expect((refused.body as { error: { code: string } }).error.code).toBe('webhook_limit');
    const listed = await invokeRoute({ route: 'list-webhooks', claims: technician });
    expect((listed.body as { webhooks: unknown[] }).webhooks.length).toBe(MAX_WEBHOOKS);

    // A deletion frees a place, once.
    expect((await remove(existing[0]?.body?.id as string)).status).toBe(204);
    expect((await remove(existing[0]?.body?.id as string)).status).toBe(404);
    const again = await Promise.all(Array.from({ length: 3 }, () => create()));
    expect(again.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});

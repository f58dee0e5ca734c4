import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStart, StoredResponse } from '../domain/idempotency.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { keys } from './keys.js';

/** A replay within this window returns the first response; after it the key is new again. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;
/** How long a first call may run before a retry may take over (a Lambda times out at 30 s). */
const IN_PROGRESS_SECONDS = 60;

/**
 * The record must never fail to store (DynamoDB's 400 KB item limit): that would leave the change
 * saved and the key free, so a retry would make it again. Bodies past 4 KB are kept gzipped;
 * one still over 300 KB gzipped is not kept at all, and its replay says so (status and headers
 * are kept): see README, "Retries".
 */
const COMPRESS_FROM_BYTES = 4 * 1024;
const MAX_STORED_BODY_BYTES = 300 * 1024;
export const BODY_NOT_KEPT =
  '{"replayed":true,"message":"The first response was too large to keep; read the resource for its current state."}';

type StoredBody = { body: string | null } | { gzipped: Uint8Array } | { bodyNotKept: true };

function compact(body: string | null): StoredBody {
  if (body === null || Buffer.byteLength(body) < COMPRESS_FROM_BYTES) return { body };
  const gzipped = gzipSync(body);
  return gzipped.byteLength <= MAX_STORED_BODY_BYTES ? { gzipped } : { bodyNotKept: true };
}

function expand(stored: Record<string, unknown>): string | null {
  if (stored.gzipped instanceof Uint8Array) return gunzipSync(stored.gzipped).toString('utf8');
  if (stored.bodyNotKept) return BODY_NOT_KEPT;
  return (stored.body as string | null) ?? null;
}

const secondsOf = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * Claims the key for this call: the first caller gets `started`, a replay gets the stored
 * response (or `in_progress` while the first call still runs). Records live in the one table
 * and expire by TTL.
 */
export async function startIdempotent(caller: string, key: string, fingerprint: string, now = new Date()): Promise<IdempotencyStart> {
  const at = secondsOf(now);
  const started = await conditionally(
    async () => {
      await documents.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.idempotency(caller, key),
            entity: 'idempotency',
            status: 'in_progress',
            fingerprint,
            inProgressUntil: at + IN_PROGRESS_SECONDS,
            expiresAt: at + IDEMPOTENCY_WINDOW_SECONDS,
          },
          // New, expired (TTL deletes lazily), or abandoned by a first call that died mid-way.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#status = :inProgress AND inProgressUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': at, ':inProgress': 'in_progress' },
        }),
      );
      return true;
    },
    () => false,
  );
  if (started) return { state: 'started' };
  const existing = await documents.send(
    new GetCommand({ TableName: tableName(), Key: keys.idempotency(caller, key), ConsistentRead: true }),
  );
  const item = existing.Item ?? {};
  if (item.status === 'completed') {
    const stored = item.response as Record<string, unknown>;
    const response = { statusCode: stored.statusCode as number, headers: stored.headers as Record<string, string>, body: expand(stored) };
    return { state: 'completed', fingerprint: item.fingerprint as string, response };
  }
  return { state: 'in_progress', fingerprint: item.fingerprint as string };
}

export async function completeIdempotent(caller: string, key: string, response: StoredResponse): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.idempotency(caller, key),
      UpdateExpression: 'SET #status = :completed, #response = :response REMOVE inProgressUntil',
      ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':response': { statusCode: response.statusCode, headers: response.headers, ...compact(response.body) },
      },
    }),
  );
}

/** The call failed: forget the key, so a retry runs again (and gets the same refusal). */
export async function releaseIdempotent(caller: string, key: string): Promise<void> {
  // A record no longer in progress was completed meanwhile: it stays.
  await conditionally(
    () =>
      documents.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.idempotency(caller, key),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress' },
        }),
      ),
    () => undefined,
  );
}

/** The http layer's IdempotencyStore (http/idempotency.ts), as the handlers wire it in. */
export const idempotencyStore = { start: startIdempotent, complete: completeIdempotent, release: releaseIdempotent };

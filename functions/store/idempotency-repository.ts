import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { keys } from './keys.js';

/** A replay within this window returns the first response; after it the key is new again. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;
/** How long a first call may run before a retry may take over (a Lambda times out at 30 s). */
const IN_PROGRESS_SECONDS = 60;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | null;
}

export type IdempotencyStart =
  | { state: 'started' }
  | { state: 'completed'; fingerprint: string; response: StoredResponse }
  | { state: 'in_progress'; fingerprint: string };

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
    return { state: 'completed', fingerprint: item.fingerprint as string, response: item.response as StoredResponse };
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
      ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
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

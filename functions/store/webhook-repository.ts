import { GetCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type ConflictError, NotFoundError } from '../domain/errors.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { ulid } from './ids.js';
import { webhookKeys } from './keys.js';
import { retryOnStaleState, transact, txPut, txUpdate } from './transaction.js';

/** An endpoint with its secrets as stored: encrypted, the previous one kept until `previousUntil`. */
/** The id of an endpoint not saved yet. */
export const newWebhookId = () => `wh_${ulid()}`;

export interface StoredEndpoint extends WebhookEndpoint {
  secret: string;
  previousSecret: string | null;
  previousUntil: string | null;
}

type Item = Record<string, unknown>;

const notFound = (id: string) => new NotFoundError('not_found', `No webhook ${id}.`);

function toStored(item: Item): StoredEndpoint {
  return {
    id: item.id as string,
    url: item.url as string,
    events: (item.events as WebhookEndpoint['events']) ?? null,
    description: (item.description as string | null) ?? null,
    status: (item.status as WebhookEndpoint['status']) ?? 'active',
    createdAt: item.createdAt as string,
    secret: item.secret as string,
    previousSecret: (item.previousSecret as string | null) ?? null,
    previousUntil: (item.previousUntil as string | null) ?? null,
  };
}

/**
 * Saves a new endpoint unless `limit` are registered. The WEBHOOKS / COUNT item counts them: its
 * update (with the condition count < limit) and the endpoint's put are one transaction, so two
 * registrations racing at limit - 1 cannot both succeed. A table from before the counter has
 * none: `registered` (the endpoints listed just before) starts it.
 */
export async function putEndpoint(
  endpoint: StoredEndpoint,
  limit: { max: number; registered: number; onFull: () => ConflictError },
): Promise<void> {
  if (limit.registered >= limit.max) throw limit.onFull();
  await retryOnStaleState(
    () =>
      transact([
        txPut({
          Item: {
            ...webhookKeys.webhook(endpoint.id),
            ...webhookKeys.webhookList(endpoint.createdAt, endpoint.id),
            entity: 'webhook',
            ...endpoint,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        txUpdate(
          {
            Key: webhookKeys.webhookCount,
            UpdateExpression: 'SET #count = if_not_exists(#count, :registered) + :one, entity = :entity',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':registered': limit.registered, ':one': 1, ':max': limit.max, ':entity': 'webhookCount' },
          },
          limit.onFull,
        ),
      ]),
    { maxAttempts: 20 },
  );
}

export async function getEndpoint(id: string): Promise<StoredEndpoint> {
  const { Item: item } = await documents.send(
    new GetCommand({ TableName: tableName(), Key: webhookKeys.webhook(id), ConsistentRead: true }),
  );
  if (!item) throw notFound(id);
  return toStored(item);
}

/** Access pattern 8: every endpoint, oldest first (there are at most MAX_WEBHOOKS). */
export async function listEndpoints(): Promise<StoredEndpoint[]> {
  const { Items: items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': webhookKeys.webhookListPk },
    }),
  );
  return items.map(toStored);
}

/** Deletes an endpoint and counts it off; a table from before the counter has none to count off. */
export async function deleteEndpoint(id: string): Promise<void> {
  const remove = {
    item: {
      Delete: { TableName: tableName(), Key: webhookKeys.webhook(id), ConditionExpression: 'attribute_exists(pk)' },
    },
    onConditionFailed: () => notFound(id),
  };
  const noCounter = new Error('no counter');
  try {
    await retryOnStaleState(() =>
      transact([
        remove,
        txUpdate(
          {
            Key: webhookKeys.webhookCount,
            UpdateExpression: 'SET #count = #count - :one',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
          },
          () => noCounter,
        ),
      ]),
    );
  } catch (error) {
    if (error !== noCounter) throw error;
    await transact([remove]);
  }
}

/** An Update of an endpoint that must still be there; when it is gone the answer is `ifGone()`. */
const updateEndpoint = <U>(
  id: string,
  update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ifGone: () => U,
) =>
  conditionally(
    () =>
      documents.send(
        new UpdateCommand({ TableName: tableName(), Key: webhookKeys.webhook(id), ConditionExpression: 'attribute_exists(pk)', ...update }),
      ),
    ifGone,
  );

/** The new secret signs from now on; the current one keeps signing too until `previousUntil`. */
export async function rotateSecret(id: string, secret: string, previousUntil: string): Promise<void> {
  await updateEndpoint(
    id,
    {
      UpdateExpression: 'SET previousSecret = secret, previousUntil = :until, secret = :secret',
      ExpressionAttributeValues: { ':until': previousUntil, ':secret': secret },
    },
    () => {
      throw notFound(id);
    },
  );
}

/** `failing` after a delivery gave up, `active` again once one gets through. */
export async function setEndpointStatus(id: string, status: WebhookEndpoint['status']): Promise<void> {
  await updateEndpoint(
    id,
    {
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    },
    // Deleted meanwhile: nothing left to mark.
    () => undefined,
  );
}

import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../domain/errors.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import { documents, tableName } from './client.js';
import { ulid } from './ids.js';
import { webhookKeys } from './keys.js';

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

export async function putEndpoint(endpoint: StoredEndpoint): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...webhookKeys.webhook(endpoint.id),
        ...webhookKeys.webhookList(endpoint.createdAt, endpoint.id),
        entity: 'webhook',
        ...endpoint,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
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

export async function deleteEndpoint(id: string): Promise<void> {
  try {
    await documents.send(
      new DeleteCommand({ TableName: tableName(), Key: webhookKeys.webhook(id), ConditionExpression: 'attribute_exists(pk)' }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw notFound(id);
    throw error;
  }
}

/** The new secret signs from now on; the current one keeps signing too until `previousUntil`. */
export async function rotateSecret(id: string, secret: string, previousUntil: string): Promise<void> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.webhook(id),
        UpdateExpression: 'SET previousSecret = secret, previousUntil = :until, secret = :secret',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':until': previousUntil, ':secret': secret },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw notFound(id);
    throw error;
  }
}

/** `failing` after a delivery gave up, `active` again once one gets through. */
export async function setEndpointStatus(id: string, status: WebhookEndpoint['status']): Promise<void> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.webhook(id),
        UpdateExpression: 'SET #status = :status',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
  } catch (error) {
    // Deleted meanwhile: nothing left to mark.
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

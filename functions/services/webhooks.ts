import { randomBytes } from 'node:crypto';
import { config } from '../config.js';
import { ConflictError } from '../domain/errors.js';
import type { Actor } from '../domain/types.js';
import { testEvent, type WebhookEventType } from '../domain/webhook-events.js';
import { MAX_WEBHOOKS, SECRET_OVERLAP_MS, type WebhookEndpoint } from '../domain/webhooks.js';
import { type DeliveryPage, listDeliveries } from '../store/delivery-log.js';
import { eventWrites } from '../store/event-outbox.js';
import { ulid } from '../store/ids.js';
import { transact } from '../store/transaction.js';
import { deleteEndpoint, getEndpoint, listEndpoints, putEndpoint, rotateSecret, type StoredEndpoint } from '../store/webhook-repository.js';
import { secretBox } from '../webhooks/secret-box.js';
import { checkWebhookUrl } from '../webhooks/url-guard.js';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes, base64. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** What the API shows of an endpoint: never its secrets. */
export function webhookView(endpoint: WebhookEndpoint): WebhookEndpoint {
  const { id, url, events, description, status, createdAt } = endpoint;
  return { id, url, events, description, status, createdAt };
}

export interface RegisterInput {
  url: string;
  events?: WebhookEventType[] | undefined;
  description?: string | undefined;
}

/** Registers an endpoint; the answer carries its secret, the only time it is shown. */
export async function registerWebhook(input: RegisterInput): Promise<WebhookEndpoint & { secret: string }> {
  await checkWebhookUrl(input.url, config.webhookAllowLoopback());
  // A count before the write: two registrations racing past the limit leave 21, which is harmless.
  if ((await listEndpoints()).length >= MAX_WEBHOOKS) {
    throw new ConflictError('webhook_limit', `At most ${MAX_WEBHOOKS} webhooks; delete one first.`, { details: { limit: MAX_WEBHOOKS } });
  }
  const secret = newSecret();
  const endpoint: StoredEndpoint = {
    id: `wh_${ulid()}`,
    url: input.url,
    events: input.events?.length ? [...new Set(input.events)] : null,
    description: input.description ?? null,
    status: 'active',
    createdAt: new Date().toISOString(),
    secret: await secretBox().seal(secret),
    previousSecret: null,
    previousUntil: null,
  };
  await putEndpoint(endpoint);
  return { ...webhookView(endpoint), secret };
}

export async function listWebhooks(): Promise<WebhookEndpoint[]> {
  return (await listEndpoints()).map(webhookView);
}

export async function getWebhook(id: string): Promise<WebhookEndpoint> {
  return webhookView(await getEndpoint(id));
}

export async function deleteWebhook(id: string): Promise<void> {
  await deleteEndpoint(id);
}

/** A new secret; for SECRET_OVERLAP_MS deliveries are signed with the old one as well. */
export async function rotateWebhookSecret(id: string): Promise<{ secret: string }> {
  const secret = newSecret();
  await rotateSecret(id, await secretBox().seal(secret), new Date(Date.now() + SECRET_OVERLAP_MS).toISOString());
  return { secret };
}

/** Queues a `webhook.test` event for this endpoint alone. */
export async function sendTestEvent(id: string, actor: Actor): Promise<{ eventId: string }> {
  await getEndpoint(id);
  const writes = eventWrites([testEvent(id, actor, new Date().toISOString())], null, { targets: [id] });
  await transact(writes);
  const item = writes[0]?.item.Put?.Item as { body: { id: string } };
  return { eventId: item.body.id };
}

export async function webhookDeliveries(id: string, limit: number, next?: string): Promise<DeliveryPage> {
  await getEndpoint(id);
  return listDeliveries(id, limit, next);
}

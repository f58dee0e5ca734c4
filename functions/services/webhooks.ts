import type { Actor } from '../domain/types.js';
import { testEvent } from '../domain/webhook-events.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import { type DeliveryPage, listDeliveries } from '../store/delivery-log.js';
import { eventWrites } from '../store/event-outbox.js';
import { transact } from '../store/transaction.js';
import { deleteEndpoint, getEndpoint, listEndpoints } from '../store/webhook-repository.js';

/** What the API shows of an endpoint: never its secrets. */
export function webhookView(endpoint: WebhookEndpoint): WebhookEndpoint {
  const { id, url, events, description, status, createdAt } = endpoint;
  return { id, url, events, description, status, createdAt };
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

/** Queues a `webhook.test` event for this endpoint alone. */
export async function sendTestEvent(id: string, actor: Actor): Promise<{ eventId: string }> {
  await getEndpoint(id);
  const { writes } = eventWrites([testEvent(id, actor, new Date().toISOString())], null, { targets: [id] });
  await transact(writes);
  const item = writes[0]?.item.Put?.Item as { body: { id: string } };
  return { eventId: item.body.id };
}

export async function webhookDeliveries(id: string, limit: number, next?: string): Promise<DeliveryPage> {
  await getEndpoint(id);
  return listDeliveries(id, limit, next);
}

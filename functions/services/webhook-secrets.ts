import { randomBytes } from 'node:crypto';
import * as config from '../config.js';
import { ConflictError } from '../domain/errors.js';
import type { WebhookEventType } from '../domain/webhook-events.js';
import { MAX_WEBHOOKS, SECRET_OVERLAP_MS, type WebhookEndpoint } from '../domain/webhooks.js';
import { listEndpoints, newWebhookId, putEndpoint, rotateSecret, type StoredEndpoint } from '../store/webhook-repository.js';
import { secretBox } from '../webhooks/secret-box.js';
import { checkWebhookUrl } from '../webhooks/url-guard.js';
import { webhookView } from './webhooks.js';

/*
 * The two uses that make a secret, apart from the other webhook routes: only these handlers
 * (and the dispatcher, which opens secrets) bundle the KMS client.
 */

/** A Standard Webhooks secret: `whsec_` and 24 random bytes, base64. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export interface RegisterInput {
  url: string;
  events?: WebhookEventType[] | undefined;
  description?: string | undefined;
}

const webhookLimit = () =>
  new ConflictError('webhook_limit', `At most ${MAX_WEBHOOKS} webhooks; delete one first.`, { details: { limit: MAX_WEBHOOKS } });

/** Registers an endpoint; the answer carries its secret, the only time it is shown. */
export async function registerWebhook(input: RegisterInput): Promise<WebhookEndpoint & { secret: string }> {
  await checkWebhookUrl(input.url, config.webhookAllowLoopback());
  const registered = (await listEndpoints()).length;
  const secret = newSecret();
  const endpoint: StoredEndpoint = {
    id: newWebhookId(),
    url: input.url,
    events: input.events?.length ? [...new Set(input.events)] : null,
    description: input.description ?? null,
    status: 'active',
    createdAt: new Date().toISOString(),
    secret: await secretBox().seal(secret),
    previousSecret: null,
    previousUntil: null,
  };
  await putEndpoint(endpoint, { max: MAX_WEBHOOKS, registered, onFull: webhookLimit });
  return { ...webhookView(endpoint), secret };
}

/** A new secret; for SECRET_OVERLAP_MS deliveries are signed with the old one as well. */
export async function rotateWebhookSecret(id: string): Promise<{ secret: string }> {
  const secret = newSecret();
  await rotateSecret(id, await secretBox().seal(secret), new Date(Date.now() + SECRET_OVERLAP_MS).toISOString());
  return { secret };
}

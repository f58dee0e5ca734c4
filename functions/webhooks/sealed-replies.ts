import { randomBytes } from 'node:crypto';
import type { IdempotencyStore, StoredResponse } from '../http/idempotency.js';
import { localSecretBox, type SecretBox, secretBox } from './secret-box.js';

/**
 * The replies of POST /webhooks and POST /webhooks/{id}/secret carry a plaintext secret, and an
 * Idempotency-Key keeps a reply for 24 h to answer a replay. These replies are kept sealed: the
 * body under a fresh AES-256-GCM data key, the data key sealed by the webhook secrets' box (KMS
 * in AWS, the local key file locally). A replay opens it and answers what the first call did.
 */
const PREFIX = 'sealed-reply:v1 ';

export async function sealReply(body: string, box: SecretBox = secretBox()): Promise<string> {
  const dataKey = randomBytes(32);
  const [sealedKey, sealedBody] = await Promise.all([box.seal(dataKey.toString('base64')), localSecretBox(dataKey).seal(body)]);
  return `${PREFIX}${sealedKey} ${sealedBody}`;
}

/** A body kept before replies were sealed comes back as it was. */
export async function openReply(stored: string, box: SecretBox = secretBox()): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const [sealedKey = '', sealedBody = ''] = stored.slice(PREFIX.length).split(' ');
  const dataKey = Buffer.from(await box.open(sealedKey), 'base64');
  return localSecretBox(dataKey).open(sealedBody);
}

const sealed = async (response: StoredResponse, seal: (body: string) => Promise<string>): Promise<StoredResponse> =>
  response.body === null ? response : { ...response, body: await seal(response.body) };

/** An Idempotency-Key store that keeps reply bodies sealed at rest (for the routes that answer a secret). */
export function sealedReplies(store: IdempotencyStore, box: () => SecretBox = secretBox): IdempotencyStore {
  return {
    async start(caller, key, fingerprint) {
      const started = await store.start(caller, key, fingerprint);
      if (started.state !== 'completed') return started;
      return { ...started, response: await sealed(started.response, (body) => openReply(body, box())) };
    },
    async complete(caller, key, response) {
      await store.complete(caller, key, await sealed(response, (body) => sealReply(body, box())));
    },
    release: (caller, key) => store.release(caller, key),
  };
}

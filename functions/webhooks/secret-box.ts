import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as config from '../config.js';

/**
 * Webhook secrets are stored sealed. In AWS a KMS key seals them (Encrypt/Decrypt, the key never
 * leaves KMS); locally, with no KMS emulator, an AES-256-GCM key in the state folder does. The
 * sealed text says which sealed it, so neither is ever asked to open the other's.
 */
export interface SecretBox {
  seal(secret: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

/** Binds a ciphertext to its use: KMS refuses to decrypt it for anything else. */
const CONTEXT = { purpose: 'signoff-webhook-secret' };

const kms = new KMSClient({ region: config.region() });

export function kmsSecretBox(keyId: string, client: KMSClient = kms): SecretBox {
  return {
    async seal(secret) {
      const { CiphertextBlob } = await client.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(secret, 'utf8'), EncryptionContext: CONTEXT }),
      );
      if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return `kms:${Buffer.from(CiphertextBlob).toString('base64')}`;
    },
    async open(sealed) {
      if (!sealed.startsWith('kms:')) throw new Error('not sealed by KMS');
      const { Plaintext } = await client.send(
        new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: CONTEXT }),
      );
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(Plaintext).toString('utf8');
    },
  };
}

export function localSecretBox(key: Buffer): SecretBox {
  return {
    async seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `local:${[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.')}`;
    },
    async open(sealed) {
      const [iv, tag, data] = sealed
        .replace(/^local:/, '')
        .split('.')
        .map((p) => Buffer.from(p, 'base64url'));
      if (!sealed.startsWith('local:') || !iv || !tag || !data) throw new Error('not sealed by the local key');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    },
  };
}

let box: SecretBox | undefined;

/** KMS when the stack gave a key id, else the local key file; one or the other must be set. */
export function secretBox(): SecretBox {
  if (box) return box;
  const keyId = config.webhookKeyId();
  const keyFile = config.webhookKeyFile();
  if (keyId) box = kmsSecretBox(keyId);
  else if (keyFile) box = localSecretBox(readFileSync(keyFile));
  else throw new Error('Missing WEBHOOK_KEY_ID (AWS) or WEBHOOK_KEY_FILE (local stack)');
  return box;
}

const opened = new Map<string, Promise<string>>();

/** Opens a sealed secret once per process: a warm dispatcher does not call KMS per delivery. */
export function openSecret(sealed: string): Promise<string> {
  let secret = opened.get(sealed);
  if (!secret) {
    secret = secretBox().open(sealed);
    secret.catch(() => opened.delete(sealed));
    opened.set(sealed, secret);
  }
  return secret;
}

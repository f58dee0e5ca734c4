import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, randomBytes, sign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { b64url, signingInput } from './jws.js';
import { type PublicJwk, type Signer, toPublicJwk } from './signer.js';

/**
 * The local stack's stand-in for KMS: P-256 private keys in a file of the state folder,
 * `{"keys": [{"kid", "privateJwk"}]}`, the current key first. Created on the first start and
 * kept, so receipts issued before a restart keep verifying. To rotate locally, put a new key
 * first (ensureLocalKeyFile with `rotate`); the old ones stay listed in the JWKS.
 */
export interface LocalKeyFile {
  keys: { kid: string; privateJwk: JsonWebKey }[];
}

const newKey = () => ({
  kid: `local-${randomBytes(6).toString('hex')}`,
  privateJwk: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
});

/** Creates the key file if it is missing (or adds a new current key with `rotate`). */
export function ensureLocalKeyFile(file: string, options: { rotate?: boolean } = {}): LocalKeyFile {
  const existing: LocalKeyFile | null = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  if (existing?.keys.length && !options.rotate) return existing;
  const next: LocalKeyFile = { keys: [newKey(), ...(existing?.keys ?? [])] };
  writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  return next;
}

export function localSigner(keyFile: LocalKeyFile): Signer {
  const [current] = keyFile.keys;
  if (!current) throw new Error('the local receipt key file holds no key');
  const privateKey = createPrivateKey({ key: current.privateJwk, format: 'jwk' });
  const publicKeys: PublicJwk[] = keyFile.keys.map(({ kid, privateJwk }) =>
    toPublicJwk(createPublicKey(createPrivateKey({ key: privateJwk, format: 'jwk' })).export({ format: 'jwk' }), kid),
  );
  return {
    async sign(payload) {
      const input = signingInput(payload, current.kid);
      // ieee-p1363 is JOSE's raw r || s already.
      return `${input}.${b64url(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }))}`;
    },
    async publicKeys() {
      return publicKeys;
    },
  };
}

export const readLocalKeyFile = (file: string): LocalKeyFile => JSON.parse(readFileSync(file, 'utf8'));

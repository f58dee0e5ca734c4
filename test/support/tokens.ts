import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Tokens the way cognito-local signs them, for the tests that need a token Cognito would not
 * hand out: expired, for another client, or signed by another key. cognito-local signs every
 * token with one RSA key shipped in its package (kid `CognitoLocal`, RS256).
 */
const keyFile = createRequire(import.meta.url).resolve('cognito-local/lib/keys/cognitoLocal.private.json');
export const cognitoLocalKey: KeyObject = createPrivateKey({ key: JSON.parse(readFileSync(keyFile, 'utf8')).pem, format: 'pem' });

/** A fresh RSA key nobody trusts. */
export const strangerKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export type Claims = Record<string, unknown>;

export { claimsOf } from '../../tools/claims.js';

/** Signs `claims` as an RS256 JWT with `key`, under kid `CognitoLocal` unless told otherwise. */
export function mintToken(claims: Claims, key: KeyObject = cognitoLocalKey, kid = 'CognitoLocal'): string {
  const signingInput = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url');
  return `${signingInput}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);

/** Variants of a real token's claims: each is valid but for the one defect its name says. */
export const tokenVariants = {
  /** Same claims, fresh timestamps: a token the API must accept (the control). */
  valid: (claims: Claims) => mintToken({ ...claims, iat: now() - 60, auth_time: now() - 60, exp: now() + 3600 }),
  expired: (claims: Claims) => mintToken({ ...claims, iat: now() - 7200, auth_time: now() - 7200, exp: now() - 3600 }),
  wrongAudience: (claims: Claims) => mintToken({ ...claims, aud: 'some-other-client-id', iat: now() - 60, exp: now() + 3600 }),
  foreignKey: (claims: Claims, key: KeyObject) => mintToken({ ...claims, iat: now() - 60, exp: now() + 3600 }, key),
};

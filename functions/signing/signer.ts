import type { JsonWebKey } from 'node:crypto';

/** A public key of the JWKS (`GET /.well-known/jwks.json`): a P-256 key for ES256 with its `kid`. */
export interface PublicJwk extends JsonWebKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/**
 * The port receipts are signed through: KMS in AWS (kms-signer.ts), a P-256 key of the state
 * folder locally (local-signer.ts). Both sign with the current key (the first one configured)
 * and list every configured key, retired ones included, so receipts signed before a rotation
 * keep verifying.
 */
export interface Signer {
  /** A compact JWS (ES256, `kid` in the header) over the JSON of `payload`. */
  sign(payload: unknown): Promise<string>;
  publicKeys(): Promise<PublicJwk[]>;
}

export const toPublicJwk = (jwk: JsonWebKey, kid: string): PublicJwk => {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error(`key ${kid} is not a P-256 key`);
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
};

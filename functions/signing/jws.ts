import { createHash } from 'node:crypto';

/**
 * Compact JWS pieces shared by the signers and the receipt chain: the ES256 protected header,
 * the signing input (`base64url(header).base64url(payload)`) and the chain hash of a receipt.
 * No `jose` here: the handlers that sign stay small; the verifier and the tests use `jose`.
 */
export const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** What a signer signs: the JWS signing input of `payload` under an ES256 header naming `kid`. */
export function signingInput(payload: unknown, kid: string): string {
  const header = { alg: 'ES256', typ: 'JWT', kid };
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

/**
 * The link to a receipt from the next one of its ticket: `sha256:` and the hex SHA-256 of the
 * receipt's compact JWS, exactly as served (ASCII). The activity log shows the same hash.
 */
export const receiptHash = (compactJws: string) => `sha256:${sha256(compactJws).toString('hex')}`;

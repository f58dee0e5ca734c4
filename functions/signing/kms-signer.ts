import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { derToJose } from './der.js';
import { b64url, sha256, signingInput } from './jws.js';
import { type PublicJwk, type Signer, toPublicJwk } from './signer.js';

/**
 * The `kid` of a KMS key: its key id (the last part of the key ARN), so the JWKS never shows the
 * account or region. An operator who has the JWKS and the key ARNs can match them.
 */
export const kmsKid = (keyIdOrArn: string) => keyIdOrArn.slice(keyIdOrArn.lastIndexOf('/') + 1);

/**
 * Signs with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY): the private key never leaves
 * KMS. KMS signs the SHA-256 of the JWS signing input (MessageType DIGEST: no 4 KB limit on the
 * payload) and answers with a DER signature, which JWS wants as raw r || s.
 *
 * `keyIds`: the current key first, then retired ones (verified, never used to sign). The public
 * keys come from GetPublicKey (SPKI DER) once per process; node:crypto turns them into JWKs
 * (jose would add ~10 KiB to the JWKS handler for the same two lines).
 */
export function kmsSigner(keyIds: readonly string[], client: KMSClient): Signer {
  const [current] = keyIds;
  if (!current) throw new Error('no receipt signing key configured');
  let keys: Promise<PublicJwk[]> | undefined;
  return {
    async sign(payload) {
      const input = signingInput(payload, kmsKid(current));
      const { Signature } = await client.send(
        new SignCommand({ KeyId: current, Message: sha256(input), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      if (!Signature) throw new Error('KMS returned no signature');
      return `${input}.${b64url(derToJose(Signature))}`;
    },
    publicKeys() {
      keys ??= Promise.all(
        keyIds.map(async (keyId) => {
          const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
          if (!PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
          const jwk = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
          return toPublicJwk(jwk, kmsKid(keyId));
        }),
      );
      keys.catch(() => {
        keys = undefined;
      });
      return keys;
    },
  };
}

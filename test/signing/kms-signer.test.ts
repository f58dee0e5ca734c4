import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { derToJose, SignatureFormatError } from '../../functions/signing/der.js';
import { signingInput } from '../../functions/signing/jws.js';
import { kmsSigner } from '../../functions/signing/kms-signer.js';

const CURRENT = 'arn:aws:kms:eu-west-1:111122223333:key/11111111-aaaa-bbbb-cccc-000000000001';
const RETIRED = 'arn:aws:kms:eu-west-1:111122223333:key/11111111-aaaa-bbbb-cccc-000000000002';

/** A real P-256 key pair per KMS key: the mock signs as KMS would (DER over the given digest). */
const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>([
  [CURRENT, generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  [RETIRED, generateKeyPairSync('ec', { namedCurve: 'P-256' })],
]);

const kms = mockClient(KMSClient);

/**
 * Node cannot ECDSA-sign a bare digest, so the mock keeps the signing inputs the signer will send
 * (registered by the test) and signs the one whose SHA-256 KMS was handed, as KMS would: DER.
 */
const inputs = new Map<string, Buffer>();
const expectInput = (payload: unknown, kid: string) => {
  const input = Buffer.from(signingInput(payload, kid));
  inputs.set(createHash('sha256').update(input).digest('hex'), input);
};
/** DER INTEGER lengths of r and s in a DER signature. */
const integerLengths = (der: Uint8Array) => {
  const r = der[3]!;
  return [r, der[4 + r + 1]!];
};
type Shape = 'any' | 'short' | 'padded';
let shape: Shape = 'any';
const fits = (der: Uint8Array) => {
  const lengths = integerLengths(der);
  if (shape === 'short') return lengths.some((l) => l < 32);
  if (shape === 'padded') return lengths.every((l) => l === 33);
  return true;
};

function derSignature(keyId: string, digest: Uint8Array): Uint8Array {
  const input = inputs.get(Buffer.from(digest).toString('hex'));
  if (!input) throw new Error('KMS was asked to sign a digest of no expected signing input');
  // ECDSA nonces are random: sign until the signature has the shape the test asks for.
  for (let i = 0; i < 20_000; i++) {
    const der = sign('sha256', input, { key: pairs.get(keyId)!.privateKey, dsaEncoding: 'der' });
    if (fits(der)) return der;
  }
  throw new Error(`no ${shape} signature found`);
}

describe('kmsSigner', () => {
  beforeEach(() => {
    kms.reset();
    shape = 'any';
    kms.on(SignCommand).callsFake((input) => {
      expect(input).toMatchObject({ MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256', KeyId: CURRENT });
      expect(input.Message).toHaveLength(32);
      return { Signature: derSignature(input.KeyId, input.Message), KeyId: input.KeyId };
    });
    kms.on(GetPublicKeyCommand).callsFake((input) => ({
      PublicKey: pairs.get(input.KeyId)!.publicKey.export({ format: 'der', type: 'spki' }),
      KeySpec: 'ECC_NIST_P256',
    }));
  });

  it('signs an ES256 JWS with the current key that jose verifies against the JWKS it publishes', async () => {
    const signer = kmsSigner([CURRENT, RETIRED], new KMSClient({ region: 'eu-west-1' }));
    const payload = { requestId: 'r1', status: 'approved' };
    expectInput(payload, '11111111-aaaa-bbbb-cccc-000000000001');
    const jws = await signer.sign(payload);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: 'JWT', kid: '11111111-aaaa-bbbb-cccc-000000000001' });
    const keys = await signer.publicKeys();
    expect(keys.map((k) => k.kid)).toEqual(['11111111-aaaa-bbbb-cccc-000000000001', '11111111-aaaa-bbbb-cccc-000000000002']);
    const verified = await compactVerify(jws, createLocalJWKSet({ keys }), { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(payload);
  });

  it.each(['short', 'padded'] as const)('turns a DER signature with %s INTEGERs into one jose verifies', async (wanted) => {
    const signer = kmsSigner([CURRENT], new KMSClient({ region: 'eu-west-1' }));
    const jwks = createLocalJWKSet({ keys: await signer.publicKeys() });
    shape = wanted;
    const payload = { shape: wanted };
    expectInput(payload, '11111111-aaaa-bbbb-cccc-000000000001');
    const jws = await signer.sign(payload);
    expect(Buffer.from(jws.split('.')[2]!, 'base64url')).toHaveLength(64);
    await expect(compactVerify(jws, jwks, { algorithms: ['ES256'] })).resolves.toBeTruthy();
  });

  it('asks KMS for each public key once per process', async () => {
    const signer = kmsSigner([CURRENT, RETIRED], new KMSClient({ region: 'eu-west-1' }));
    await signer.publicKeys();
    await signer.publicKeys();
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });
});

describe('derToJose', () => {
  const der = (r: number[], s: number[]) => Uint8Array.from([0x30, r.length + s.length + 4, 0x02, r.length, ...r, 0x02, s.length, ...s]);

  it('drops the sign byte of an INTEGER whose top bit is set', () => {
    const r = [0x00, 0x80, ...Array(31).fill(1)];
    const s = [0x7f, ...Array(31).fill(2)];
    const raw = derToJose(der(r, s));
    expect(raw).toHaveLength(64);
    expect([...raw.subarray(0, 32)]).toEqual(r.slice(1));
    expect([...raw.subarray(32)]).toEqual(s);
  });

  it('left-pads short r and s to 32 bytes', () => {
    const raw = derToJose(der([0x05], [0x01, 0x02]));
    expect([...raw.subarray(0, 32)]).toEqual([...Array(31).fill(0), 0x05]);
    expect([...raw.subarray(32)]).toEqual([...Array(30).fill(0), 0x01, 0x02]);
  });

  it('refuses what is not one SEQUENCE of two INTEGERs that fit the curve', () => {
    expect(() => derToJose(Uint8Array.from([0x31, 0x00]))).toThrow(SignatureFormatError);
    expect(() => derToJose(der([1], [2]).subarray(0, 6))).toThrow(SignatureFormatError);
    expect(() => derToJose(der(Array(33).fill(1), [2]))).toThrow(SignatureFormatError);
    expect(() => derToJose(Uint8Array.from([...der([1], [2]), 0]))).toThrow(SignatureFormatError);
  });
});

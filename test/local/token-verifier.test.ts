import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier } from '../../local/token-verifier.js';
import { mintToken } from '../support/tokens.js';

const ENDPOINT = 'http://127.0.0.1:9229';
const POOL = 'local_pool';
const ISSUER = `${ENDPOINT}/${POOL}`;
const CLIENTS = ['portal-client', 'helpdesk-client'];

const newKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (publicKey: KeyObject, kid: string) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
const now = () => Math.floor(Date.now() / 1000);
const idClaims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: 'user-1',
  aud: 'portal-client',
  token_use: 'id',
  email: 'alice@signoff.local',
  'cognito:groups': ['users'],
  iat: now() - 60,
  exp: now() + 3600,
  ...extra,
});

// RSA keys take a while to make on a busy machine: three, made once.
const key = newKey();
const rotated = newKey();
const stranger = newKey();

describe('the local token verifier', () => {
  let keys: ReturnType<typeof jwk>[];
  const fetched: string[] = [];

  beforeEach(() => {
    keys = [jwk(key.publicKey, 'CognitoLocal')];
    fetched.length = 0;
    // cognito-local's JWKS, served without a network.
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(String(url));
      return new Response(JSON.stringify({ keys }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const verifier = () => createTokenVerifier({ cognitoEndpoint: `${ENDPOINT}/`, userPoolId: POOL, clientIds: CLIENTS });
  const sign = (claims: Record<string, unknown>, signer: KeyObject = key.privateKey, kid = 'CognitoLocal') =>
    mintToken(claims, signer, kid);

  it("accepts an ID token of one of the API's clients and returns its claims", async () => {
    const claims = await verifier().verify(sign(idClaims({ aud: 'helpdesk-client' })));
    expect(claims).toMatchObject({ sub: 'user-1', email: 'alice@signoff.local', 'cognito:groups': ['users'] });
    expect(fetched).toEqual([`${ISSUER}/.well-known/jwks.json`]);
  });

  it('accepts an access token by its client_id, as it has no aud', async () => {
    const { aud: _aud, ...access } = idClaims({ token_use: 'access', client_id: 'portal-client' });
    await expect(verifier().verify(sign(access))).resolves.toMatchObject({ client_id: 'portal-client' });
  });

  it('refuses a token for another client, from another issuer, expired, or without exp', async () => {
    const { exp: _exp, ...noExp } = idClaims();
    const v = verifier();
    for (const claims of [
      idClaims({ aud: 'some-other-client' }),
      idClaims({ iss: 'http://localhost:9229/other_pool' }),
      idClaims({ iat: now() - 7200, exp: now() - 3600 }),
      noExp,
    ]) {
      await expect(v.verify(sign(claims)), JSON.stringify(claims)).rejects.toThrow();
    }
  });

  it('refuses a token signed by another key under the trusted kid, and malformed tokens', async () => {
    const v = verifier();
    await expect(v.verify(sign(idClaims(), stranger.privateKey))).rejects.toThrow();
    await expect(v.verify('not-a-jwt')).rejects.toThrow();
  });

  it('loads the keys again for an unknown kid, so a restarted cognito-local with new keys is trusted', async () => {
    const v = verifier();
    await v.verify(sign(idClaims()));
    keys = [jwk(rotated.publicKey, 'Rotated')];
    await expect(v.verify(sign(idClaims(), rotated.privateKey, 'Rotated'))).resolves.toMatchObject({ sub: 'user-1' });
    expect(fetched).toHaveLength(2);
  });

  it('still refuses an unknown kid after loading the keys again', async () => {
    const v = verifier();
    await expect(v.verify(sign(idClaims(), stranger.privateKey, 'Stranger'))).rejects.toThrow();
  });
});

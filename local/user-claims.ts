import { AdminGetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { TokenClaims, TokenVerifier } from './token-verifier.js';

/**
 * cognito-local 5.3 leaves the standard profile attributes out of its ID tokens: only `email`,
 * `email_verified` and `custom:*` go in. Real Cognito puts every attribute the app client may
 * read into the ID token (lib/auth.ts lets both clients read `name`), so the API reads a
 * technician's name from the `name` claim. This adds the claims real Cognito would have issued,
 * read from the user's attributes in cognito-local — the way the token would have been minted,
 * so a later change to the attribute shows only after the cache entry expires (as with a token
 * refresh in AWS).
 */
const STANDARD_CLAIMS = ['name'] as const;
const CACHE_MS = 60_000;

export function withUserAttributeClaims(
  verifier: TokenVerifier,
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
): TokenVerifier {
  const cache = new Map<string, { at: number; claims: Promise<TokenClaims> }>();
  const attributeClaims = (username: string): Promise<TokenClaims> => {
    const hit = cache.get(username);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.claims;
    const claims = cognito
      .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))
      .then((user) =>
        Object.fromEntries(
          (user.UserAttributes ?? [])
            .filter((a) => (STANDARD_CLAIMS as readonly string[]).includes(a.Name ?? '') && a.Value)
            .map((a) => [a.Name as string, a.Value as string]),
        ),
      )
      // A user that cannot be read (deleted since sign-in) simply gets no extra claims.
      .catch(() => ({}));
    cache.set(username, { at: Date.now(), claims });
    return claims;
  };
  return {
    issuer: verifier.issuer,
    async verify(token) {
      const claims = await verifier.verify(token);
      const username = claims['cognito:username'] ?? claims.sub;
      if (claims.token_use !== 'id' || typeof username !== 'string' || STANDARD_CLAIMS.every((c) => c in claims)) return claims;
      return { ...(await attributeClaims(username)), ...claims };
    },
  };
}

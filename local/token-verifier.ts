/**
 * Verifies cognito-local's tokens the way API Gateway HTTP API's JWT authorizer does.
 *
 * What cognito-local 5.3 issues (seen with a pool whose UsernameAttributes is ['email']):
 * - AdminCreateUser(Username = email) returns `User.Username` = the new `sub` (a UUID) and
 *   `User.Attributes` with `sub` and `email`; the email is an alias, so every Admin* call and
 *   InitiateAuth USER_PASSWORD_AUTH accept USERNAME = email. (Real Cognito answers the same.)
 * - Both tokens: header `{alg: RS256, kid: 'CognitoLocal'}`; `iss` = `http://<HOST>:<PORT>/<poolId>`
 *   (HOST defaults to `localhost`; startCognitoLocal sets 127.0.0.1); `sub`, `iat`, `exp`
 *   (24 h), `auth_time`, `jti`, `event_id`; `cognito:groups` as a JSON array, absent when the
 *   user is in no group.
 * - ID token: `aud` = client id, `token_use: 'id'`, `cognito:username` (= sub), `email`,
 *   `email_verified` (boolean). No `client_id`, and no `name` although the user has one (real
 *   Cognito includes it): user-claims.ts adds it.
 * - Access token: `client_id`, `token_use: 'access'`, `username` (= sub; not `cognito:username`),
 *   `scope: 'aws.cognito.signin.user.admin'`. No `aud`, no `email`.
 * - The openid-configuration document hard-codes localhost:9229, so it is not used here.
 * - AuthenticationResult has no ExpiresIn/TokenType; REFRESH_TOKEN_AUTH works after a plain
 *   USER_PASSWORD_AUTH sign-in.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError, JwtInvalidAudienceError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export type TokenClaims = Record<string, unknown>;

export interface TokenVerifier {
  issuer: string;
  /** Resolves with the token's claims; rejects when the token is malformed, forged, expired or for another client. */
  verify(token: string): Promise<TokenClaims>;
}

const isIn = (allowed: readonly string[], value: unknown) => typeof value === 'string' && allowed.includes(value);

/** HTTP API checks `aud` when the token has one (ID tokens), else `client_id` (access tokens). */
const checkAudience = (clientIds: readonly string[]) => (props: { payload: JwtPayload }) => {
  // API Gateway's JWT authorizer requires exp; aws-jwt-verify only checks it when present.
  if (typeof props.payload.exp !== 'number') throw new JwtExpiredError('token has no exp claim', undefined);
  const { aud, client_id: clientId } = props.payload;
  const accepted =
    aud !== undefined ? (Array.isArray(aud) ? aud : [aud]).some((value) => isIn(clientIds, value)) : isIn(clientIds, clientId);
  if (!accepted) {
    throw new JwtInvalidAudienceError('token is not for any of the API clients', aud ?? String(clientId), clientIds);
  }
};

export const createTokenVerifier = (options: {
  /** e.g. http://127.0.0.1:9229 */
  cognitoEndpoint: string;
  userPoolId: string;
  clientIds: readonly string[];
  /** Defaults to `<cognitoEndpoint>/<userPoolId>`, which is what cognito-local signs when started with HOST. */
  issuer?: string;
}): TokenVerifier => {
  const endpoint = options.cognitoEndpoint.replace(/\/+$/, '');
  const issuer = options.issuer ?? `${endpoint}/${options.userPoolId}`;
  const jwksUrl = `${endpoint}/${options.userPoolId}/.well-known/jwks.json`;
  // aws-jwt-verify only downloads keys over https, so we fetch them and hand them over; the
  // jwksUri is never fetched because only verifySync is used.
  const verifier = JwtVerifier.create({
    issuer,
    jwksUri: `https://jwks.invalid/${options.userPoolId}`,
    audience: null,
    customJwtCheck: checkAudience(options.clientIds),
  });

  let jwksLoad: Promise<void> | undefined;
  const loadJwks = (): Promise<void> => {
    jwksLoad ??= (async () => {
      const response = await fetch(jwksUrl);
      if (!response.ok) throw new Error(`GET ${jwksUrl} answered ${response.status}`);
      verifier.cacheJwks((await response.json()) as Jwks);
    })().finally(() => {
      jwksLoad = undefined;
    });
    return jwksLoad;
  };
  let jwksLoaded = false;

  return {
    issuer,
    async verify(token) {
      if (!jwksLoaded) {
        await loadJwks();
        jwksLoaded = true;
      }
      try {
        return verifier.verifySync(token);
      } catch (error) {
        // A key we have not seen: cognito-local may have been restarted with new keys.
        if (!(error instanceof KidNotFoundInJwksError)) throw error;
        await loadJwks();
        return verifier.verifySync(token);
      }
    },
  };
};

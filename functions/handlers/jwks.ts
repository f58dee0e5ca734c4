import { publicRoute } from '../http/public-route.js';
import { receiptSigner } from '../signing/index.js';
import * as routes from './routes.js';

/**
 * GET /.well-known/jwks.json (public): the public keys receipts are signed with, the current one
 * first, retired ones after it (old receipts keep verifying). Cacheable: keys change only with a
 * deployment, and a verifier that misses a new `kid` fetches again.
 */
export const handler = publicRoute(routes.jwks, async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/jwk-set+json; charset=utf-8',
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  },
  body: JSON.stringify({ keys: await receiptSigner().publicKeys() }),
}));

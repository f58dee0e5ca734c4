/**
 * What the edge in front of the API and the portal says, once for CloudFront and API Gateway
 * (lib/portal-edge.ts, lib/api.ts) and for the local stand-in (local/gateway.ts,
 * local/static-portal.ts): the portal's path, its security headers and the CORS rules.
 */

/** The portal is served below this path. */
export const PORTAL_PREFIX = '/portal/';

/**
 * The portal's Content-Security-Policy: no inline script or style, nothing from other origins
 * except the ones it talks to (`connectSrc`: Cognito, the API's own endpoint), no plugins, no
 * framing.
 */
export function contentSecurityPolicy(connectSrc: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...connectSrc].join(' '),
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Cross-origin calls to the API: the methods of the route table and the headers its callers send. */
export const CORS = {
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  maxAgeSeconds: 600,
} as const;

/**
 * What CloudFront does in front of the portal and the API: which paths go to the API, how a
 * portal deep link becomes index.html, and the security headers every response carries.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { ROUTES } from '../functions/handlers/routes.js';
import { contentSecurityPolicy, PORTAL_PREFIX } from '../functions/shared/web.js';

/**
 * CloudFront path patterns that go to the HTTP API, derived from routes.ts: a route's static
 * prefix (up to its first path parameter), with `*` when deeper routes share it. Everything else
 * is the portal's S3 origin, so `/portal/requests/<id>` is a portal page while `/portal/config`
 * and `/portal/approvals…` are API calls — the same split as the local gateway.
 */
export function apiPathPatterns(routes: readonly { path: string }[] = ROUTES): string[] {
  const prefixes = new Map<string, boolean>();
  for (const { path } of routes) {
    const brace = path.indexOf('{');
    const prefix = (brace < 0 ? path : path.slice(0, brace)).replace(/\/+$/, '');
    const deeper = brace >= 0 || routes.some((r) => r.path !== path && r.path.startsWith(`${prefix}/`));
    prefixes.set(prefix, (prefixes.get(prefix) ?? false) || deeper);
  }
  // A prefix covered by a shorter wildcard prefix needs no behaviour of its own.
  const patterns = [...prefixes].map(([prefix, deeper]) => (deeper ? `${prefix}*` : prefix));
  return patterns.filter((p) => !patterns.some((q) => q !== p && q.endsWith('*') && p.startsWith(q.slice(0, -1)))).sort();
}

/**
 * Viewer-request function of the portal behaviour: `/` and `/portal` go to `/portal/`, and a
 * portal path without a file extension is a page of the single-page app, so it is answered with
 * index.html. (Distribution-wide error responses would do the same, but would also replace the
 * API's own 403 and 404 bodies.)
 */
export const SPA_FUNCTION = `
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/portal') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${PORTAL_PREFIX}' } } };
  }
  if (uri.indexOf('${PORTAL_PREFIX}') === 0 && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = '${PORTAL_PREFIX}index.html';
  }
  return request;
}`;

/**
 * No inline script or style, nothing from other origins except the ones the portal talks to
 * (Cognito, and the API's own endpoint); no framing, no referrer (request ids stay on the site).
 */
export function securityHeaders(
  scope: Construct,
  options: { stage: string; connectTo: readonly string[] },
): cloudfront.ResponseHeadersPolicy {
  return new cloudfront.ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    comment: `Signoff ${options.stage}: no inline script, no third-party origin but Cognito and the API`,
    securityHeadersBehavior: {
      contentSecurityPolicy: {
        contentSecurityPolicy: contentSecurityPolicy(options.connectTo),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
    },
  });
}

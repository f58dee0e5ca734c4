import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/handlers/routes.js';
import { apiPathPatterns, SPA_FUNCTION } from '../../lib/portal-edge.js';

type ViewerRequest = { uri: string };
type ViewerResult = ViewerRequest | { statusCode: number; headers: Record<string, { value: string }> };
// The CloudFront Function's source, evaluated as CloudFront would run it.
const handler = new Function(`${SPA_FUNCTION}; return handler;`)() as (event: { request: ViewerRequest }) => ViewerResult;
const run = (uri: string) => handler({ request: { uri } });

/** CloudFront path patterns: `*` matches any characters, the rest literally. */
const matches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(path);
const toApi = (path: string) => apiPathPatterns().some((p) => matches(p, path));

describe('CloudFront routing between the portal and the API', () => {
  it.each(ROUTES.map((r) => [r.path] as const))('sends %s to the API', (path) => {
    expect(toApi(path.replace(/\{[^}]+\}/g, 'id-1'))).toBe(true);
  });

  it.each(['/portal/', '/portal/index.html', '/portal/requests/T-1_01ABC', '/portal/assets/app.js', '/portal/config.json'])(
    'leaves the portal page %s to the bucket',
    (path) => {
      expect(toApi(path)).toBe(false);
    },
  );

  it('needs few behaviours: one per route prefix', () => {
    expect(apiPathPatterns()).toEqual([
      '/.well-known/jwks.json',
      '/directory/approvers*',
      '/health',
      '/openapi.json',
      '/portal/approvals*',
      '/portal/config',
      '/portal/delegation',
      '/tickets*',
      '/webhooks*',
    ]);
  });
});

describe('the portal viewer-request function', () => {
  it('answers a portal page with index.html, so a deep link works', () => {
    expect(run('/portal/requests/T-1_01ABC')).toEqual({ uri: '/portal/index.html' });
    expect(run('/portal/')).toEqual({ uri: '/portal/index.html' });
  });

  it('leaves files alone', () => {
    expect(run('/portal/assets/app.3f2a.js')).toEqual({ uri: '/portal/assets/app.3f2a.js' });
    expect(run('/portal/config.json')).toEqual({ uri: '/portal/config.json' });
  });

  it('sends the bare site to the portal', () => {
    for (const uri of ['/', '/portal']) {
      expect(run(uri)).toMatchObject({ statusCode: 302, headers: { location: { value: '/portal/' } } });
    }
  });
});

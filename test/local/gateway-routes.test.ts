import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/handlers/routes.js';
import { LOCAL_IDLE_PATH } from '../../local/activity.js';
import { createRouter, type GatewayRoute } from '../../local/gateway-routes.js';

const route = (method: string, path: string, name = `${method} ${path}`): GatewayRoute => ({
  method,
  path,
  entry: `${name}.ts`,
  access: 'public',
  name,
});

describe('the gateway router', () => {
  const routes = [
    route('GET', '/tickets/{ticketId}/approval'),
    route('POST', '/tickets/{ticketId}/approval'),
    route('GET', '/tickets/{ticketId}'),
    route('GET', '/portal/config'),
    route('GET', '/portal/{page}'),
    route('POST', '/tickets/{ticketId}/approval/recipients/{approverId}/reminders'),
  ];
  const match = createRouter(routes);

  it('matches a path with parameters and hands them over decoded, with the route key of the template', () => {
    const found = match('GET', '/tickets/T%2F1%20a/approval');
    expect(found).toMatchObject({
      kind: 'matched',
      routeKey: 'GET /tickets/{ticketId}/approval',
      pathParameters: { ticketId: 'T/1 a' },
    });
  });

  it('hands over several parameters by name', () => {
    expect(match('POST', '/tickets/T-1/approval/recipients/u-alice/reminders')).toMatchObject({
      kind: 'matched',
      pathParameters: { ticketId: 'T-1', approverId: 'u-alice' },
    });
  });

  it('gives no pathParameters for a route without parameters, as HTTP API does', () => {
    const found = match('GET', '/portal/config');
    expect(found.kind).toBe('matched');
    expect(found.kind === 'matched' && found.pathParameters).toBeUndefined();
  });

  it('prefers a literal segment to a parameter, whatever the order of the table', () => {
    expect(match('GET', '/portal/config')).toMatchObject({ routeKey: 'GET /portal/config' });
    expect(createRouter([...routes].reverse())('GET', '/portal/config')).toMatchObject({ routeKey: 'GET /portal/config' });
    expect(match('GET', '/portal/other')).toMatchObject({ routeKey: 'GET /portal/{page}', pathParameters: { page: 'other' } });
  });

  it('answers method-not-allowed with the methods the path has', () => {
    expect(match('DELETE', '/tickets/T-1/approval')).toEqual({ kind: 'method-not-allowed', allowedMethods: ['GET', 'POST'] });
  });

  it('finds nothing for an unknown path, an empty parameter, a trailing slash or a longer path', () => {
    for (const path of ['/nowhere', '/tickets//approval', '/tickets/T-1/approval/', '/tickets/T-1/approval/extra']) {
      expect(match('GET', path), path).toEqual({ kind: 'not-found' });
    }
  });

  it('keeps a malformed escape as it came instead of failing', () => {
    expect(match('GET', '/tickets/%E0%A4%A')).toMatchObject({ kind: 'matched', pathParameters: { ticketId: '%E0%A4%A' } });
  });

  it('routes every path of the route table to its own route', () => {
    const router = createRouter(ROUTES);
    for (const r of ROUTES) {
      const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) => `sample-${name}`);
      expect(router(r.method, path), `${r.method} ${r.path}`).toMatchObject({ kind: 'matched', route: { name: r.name } });
    }
  });

  it('leaves the local-only idle endpoint out of the route table, so it never reaches AWS', () => {
    expect(createRouter(ROUTES)('GET', LOCAL_IDLE_PATH)).toEqual({ kind: 'not-found' });
    expect(ROUTES.filter((r) => r.path.startsWith('/_local'))).toEqual([]);
  });
});

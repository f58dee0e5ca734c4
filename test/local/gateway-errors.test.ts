import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../local/gateway.js';

/** Every answer the local gateway gives by itself has the API's error shape and `nosniff`. */
describe('the local gateway’s own answers', () => {
  const portal = mkdtempSync(join(tmpdir(), 'signoff-portal-'));
  writeFileSync(join(portal, 'index.html'), '<!doctype html><title>Portal</title>');
  const gateway = createGateway({
    routes: [
      { method: 'GET', path: '/things', entry: 'things', access: ['technicians'] },
      { method: 'POST', path: '/things', entry: 'things', access: ['technicians'] },
      { method: 'GET', path: '/health', entry: 'health', access: 'public' },
    ],
    loadHandler: async () => async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' }),
    verifier: {
      verify: async () => {
        throw new Error('Issuer not allowed: http://evil.example. Expected: http://127.0.0.1:9229/pool; algorithm not allowed: HS256');
      },
    },
    staticPortal: { dir: portal, prefix: '/portal/' },
    logger: { info: () => {}, error: () => {} },
  });
  let port = 0;
  beforeAll(async () => {
    await gateway.listen(0);
    port = (gateway.server.address() as AddressInfo).port;
  });
  afterAll(() => gateway.close());

  const send = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end();
    });

  const expectErrorShape = (reply: { status: number; headers: Record<string, unknown>; text: string }, status: number, code: string) => {
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(reply.text)).toEqual({ error: { code, message: expect.any(String) } });
  };

  it('answers an unknown path with a JSON 404 that does not echo the path', async () => {
    const reply = await send('GET', '/nope/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expectErrorShape(reply, 404, 'not_found');
    expect(reply.text).not.toMatch(/nope|script/);
  });

  it('answers a missing portal file with the same JSON 404', async () => {
    expectErrorShape(await send('GET', '/portal/missing.js'), 404, 'not_found');
  });

  it('answers a wrong method with a JSON 405 and Allow, and HEAD with the same headers', async () => {
    const reply = await send('DELETE', '/things');
    expectErrorShape(reply, 405, 'method_not_allowed');
    expect(reply.headers.allow).toBe('GET, POST');
    const head = await send('HEAD', '/things');
    expect(head.status).toBe(405);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    expect(head.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
  });

  it('answers headers that are too large with a JSON 431', async () => {
    expectErrorShape(await send('GET', '/things', { 'x-big': 'x'.repeat(20_000) }), 431, 'headers_too_large');
  });

  it('answers a bad token with a generic 401 that reveals nothing of the verifier', async () => {
    for (const headers of [{}, { authorization: 'Bearer forged' }] as Record<string, string>[]) {
      const reply = await send('GET', '/things', headers);
      expectErrorShape(reply, 401, 'unauthorized');
      expect(reply.text).not.toMatch(/issuer|expected|algorithm|HS256|missing bearer/i);
    }
  });

  it('sends nosniff with the answers of handlers and of the portal too', async () => {
    expect((await send('GET', '/health')).headers['x-content-type-options']).toBe('nosniff');
    expect((await send('GET', '/portal/')).headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers the API’s root with where to go, not a 404', async () => {
    const reply = await send('GET', '/');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({
      portal: '/portal/',
      health: '/health',
      routes: expect.arrayContaining(['GET /health']),
    });
  });
});

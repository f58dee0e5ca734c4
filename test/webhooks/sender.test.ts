import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOKUP_CACHE_MS, lookupAll, postEvent } from '../../functions/webhooks/sender.js';

describe('the webhook sender', () => {
  let url = '';
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(204).end();
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://localhost:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('resolves a host once for a while: deliveries in a row share the lookup', () => {
    const now = Date.now();
    const first = lookupAll('localhost', now);
    expect(lookupAll('localhost', now + 1000)).toBe(first);
    expect(lookupAll('localhost', now + LOOKUP_CACHE_MS + 1)).not.toBe(first);
  });

  it('still checks the addresses it connects to, cached or not', async () => {
    await lookupAll('localhost');
    expect(await postEvent({ url, headers: {}, body: '{}', timeoutMs: 5000, allowLoopback: true })).toMatchObject({
      ok: true,
      status: 204,
    });
    // The same cached answer (loopback) is refused where loopback is not allowed.
    const refused = await postEvent({
      url: url.replace('http:', 'https:'),
      headers: {},
      body: '{}',
      timeoutMs: 5000,
      allowLoopback: false,
    });
    expect(refused).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/loopback/) });
    expect(hits).toBe(1);
  });
});

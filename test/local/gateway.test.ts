import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, MAX_LAMBDA_RESPONSE_BYTES } from '../../local/gateway.js';

describe('the local API Gateway stand-in', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  /** A gateway with one public route whose handler answers a body of `bytes` bytes. */
  async function gatewayAnswering(bytes: number): Promise<string> {
    const gateway = createGateway({
      routes: [{ method: 'GET', path: '/big', entry: 'big', access: 'public' }],
      loadHandler: async () => async () => ({ statusCode: 200, body: 'x'.repeat(bytes) }),
      verifier: { verify: async () => ({}) },
      logger: { info: () => {}, error: () => {} },
    });
    await gateway.listen(0);
    close = gateway.close;
    return `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/big`;
  }

  it('refuses a response Lambda would refuse (over 6 MB) as HTTP API does, with a 500', async () => {
    const reply = await fetch(await gatewayAnswering(MAX_LAMBDA_RESPONSE_BYTES + 1));
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('passes a large response under the limit through', async () => {
    const reply = await fetch(await gatewayAnswering(MAX_LAMBDA_RESPONSE_BYTES - 1024));
    expect(reply.status).toBe(200);
    expect((await reply.text()).length).toBe(MAX_LAMBDA_RESPONSE_BYTES - 1024);
  });
});

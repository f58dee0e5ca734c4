import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { ApiClient } from '../tools/api-client.js';

export interface WebhookReceiver {
  /** Deletes the endpoint, then stops the receiver. */
  close(): Promise<void>;
}

/**
 * A webhook receiver on loopback, registered by `technician` for `approval.requested`: each
 * delivery is answered 204 once its body is in, and handed to `onDelivery` at that moment.
 */
export async function startWebhookReceiver(
  api: ApiClient,
  technician: string,
  onDelivery: (headers: IncomingHttpHeaders, body: string) => void,
): Promise<WebhookReceiver> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      onDelivery(req.headers, body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const hook = await api.call<{ id: string }>('POST', '/webhooks', {
    token: technician,
    body: { url: `http://127.0.0.1:${port}/hook`, events: ['approval.requested'] },
  });
  if (hook.status !== 201) throw new Error(`POST /webhooks answered ${hook.status}`);
  return {
    close: async () => {
      await api.call('DELETE', `/webhooks/${hook.body.id}`, { token: technician });
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

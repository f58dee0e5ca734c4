import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** One delivery as a receiver got it. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  event: { id: string; type: string; timestamp: string; data: Record<string, unknown> & { sequence: number; ticketId: string | null } };
}

/** What the receiver answers a delivery: a status, or no answer at all (to test the timeout). */
export type Answer = number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to each delivery (default 204); a promise holds the answer back until it settles. */
  answer: (received: Received) => Answer | Promise<Answer>;
  /** Waits until a received delivery matches, polling the in-memory list (no fixed sleep). */
  waitFor(match: (all: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  verifies(received: Received, secret: string): boolean;
  close(): Promise<void>;
}

/** A real HTTP receiver on loopback, as a helpdesk's would be, for the local stack to deliver to. */
export async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<() => void>();
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: () => 204,
    async waitFor(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!match(receiver.received)) {
        if (Date.now() > deadline)
          throw new Error(`receiver: not seen within ${timeoutMs} ms; got ${JSON.stringify(receiver.received.map((r) => r.event.type))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return receiver.received;
    },
    verifies(received, secret) {
      try {
        new Webhook(secret).verify(received.body, {
          'webhook-id': received.id,
          'webhook-timestamp': received.timestamp,
          'webhook-signature': received.signature,
        });
        return true;
      } catch {
        return false;
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const release of hanging) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const received: Received = {
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        event: JSON.parse(body),
      };
      receiver.received.push(received);
      void Promise.resolve(receiver.answer(received)).then((answer) => {
        if (answer === 'hang') {
          const release = () => res.destroy();
          hanging.add(release);
          return;
        }
        res.writeHead(answer).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  return receiver;
}

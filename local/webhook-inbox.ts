import { createServer, type IncomingMessage } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** One POST the inbox received, and whether its signature verified with the endpoint's secret. */
export interface InboxDelivery {
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  verifyError: string | null;
}

export interface WebhookInbox {
  url: string;
  /** The secret deliveries to `path` must be signed with (the demo endpoint's). */
  trust(path: string, secret: string): void;
  deliveries(): InboxDelivery[];
  close(): Promise<void>;
}

/** The newest this many deliveries are kept: a page to look at, not a store. */
const KEEP = 200;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(deliveries: InboxDelivery[]): string {
  const rows = deliveries
    .map((d) => {
      let type = '';
      try {
        type = String(JSON.parse(d.body).type ?? '');
      } catch {}
      const headers = Object.entries(d.headers)
        .filter(([k]) => k.startsWith('webhook-') || k === 'content-type')
        .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
        .join('\n');
      return `<tr><td>${escapeHtml(d.receivedAt)}</td><td>${escapeHtml(type)}</td><td>${d.verified ? '✔ verified' : `✘ ${escapeHtml(d.verifyError ?? '')}`}</td>
<td><pre>${headers}</pre></td><td><pre>${escapeHtml(d.body)}</pre></td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Signoff webhook inbox</title>
<style>body{font:14px system-ui;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:50rem}</style></head>
<body><h1>Webhook inbox</h1><p>${deliveries.length} deliveries, newest first (JSON: <a href="/deliveries">/deliveries</a>).</p>
<table><tr><th>received</th><th>type</th><th>signature</th><th>headers</th><th>body</th></tr>${rows}</table></body></html>`;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

/**
 * The local stand-in for a helpdesk's webhook receiver, like the SES emulator's mail viewer: it
 * takes every POST under /hooks/, verifies its Standard Webhooks signature and lists what came
 * in at `/` (and as JSON at `/deliveries`).
 */
export async function startWebhookInbox(port: number): Promise<WebhookInbox> {
  const secrets = new Map<string, string>();
  const received: InboxDelivery[] = [];
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'POST' && path.startsWith('/hooks/')) {
      const body = await read(req);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const secret = secrets.get(path);
      let verifyError: string | null = secret ? null : 'no secret known for this path';
      if (secret) {
        try {
          new Webhook(secret).verify(body, headers);
        } catch (error) {
          verifyError = (error as Error).message;
        }
      }
      received.unshift({ receivedAt: new Date().toISOString(), path, headers, body, verified: verifyError === null, verifyError });
      received.length = Math.min(received.length, KEEP);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/deliveries') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ deliveries: received }));
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(received));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    trust: (path, secret) => secrets.set(path, secret),
    deliveries: () => [...received],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

import { type LookupAddress, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AttemptResult } from '../domain/webhooks.js';
import { addressAllowed, checkWebhookUrl } from './url-guard.js';

/**
 * How long a host's addresses are reused: a batch of events to one endpoint resolves its host
 * once, not twice per delivery. Safe against DNS rebinding: whatever is reused, the guard checks
 * the very addresses the socket connects to (below); a cached answer only delays a change of
 * the host's addresses by this much.
 */
export const LOOKUP_CACHE_MS = 10_000;

const looked = new Map<string, { until: number; addresses: Promise<LookupAddress[]> }>();

/** The host's addresses (all of them, any family), from the cache while fresh; a failed lookup is not kept. */
export function lookupAll(hostname: string, now = Date.now()): Promise<LookupAddress[]> {
  const cached = looked.get(hostname);
  if (cached && cached.until > now) return cached.addresses;
  const addresses = new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(hostname, { all: true, verbatim: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  addresses.catch(() => {
    // Only its own entry: a newer lookup may have replaced it meanwhile.
    if (looked.get(hostname)?.addresses === addresses) looked.delete(hostname);
  });
  // A long-running container sees many hosts over time; only the fresh ones are kept.
  for (const [host, entry] of looked) if (entry.until <= now) looked.delete(host);
  looked.set(hostname, { until: now + LOOKUP_CACHE_MS, addresses });
  return addresses;
}

/**
 * Connects only to allowed addresses: the check runs on the addresses the socket is about to
 * use, so a host that resolved to a public address at registration and to a private one now
 * (DNS rebinding) is refused at delivery.
 */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookupAll(hostname).then(
      (all) => {
        const family = (options as { family?: number }).family;
        const addresses = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        const refused = addresses.find((a) => !addressAllowed(a.address, allowLoopback));
        if (refused || addresses.length === 0) {
          return callback(
            Object.assign(new Error(`address ${refused?.address ?? 'none'} not allowed`), { code: 'EADDRNOTALLOWED' }),
            '',
            0,
          );
        }
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** The guard's own check before connecting, from the same cached lookup. */
const resolveCached = async (host: string) => (await lookupAll(host)).map((a) => a.address);

export interface Post {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowLoopback: boolean;
}

/**
 * One delivery attempt: a POST that must be answered 2xx within the timeout. Redirects are not
 * followed (a 3xx is a failed attempt); the answer's body is read and dropped.
 */
export async function postEvent({ url, headers, body, timeoutMs, allowLoopback }: Post): Promise<AttemptResult> {
  try {
    await checkWebhookUrl(url, allowLoopback, resolveCached);
  } catch (error) {
    return { ok: false, status: null, error: (error as Error).message };
  }
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const done = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Signoff-Webhooks/1',
        },
        lookup: guardedLookup(allowLoopback),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () =>
          done({
            ok: status >= 200 && status < 300,
            status,
            error:
              status >= 200 && status < 300
                ? null
                : status >= 300 && status < 400
                  ? `redirect (${status}) not followed`
                  : `answered ${status}`,
          }),
        );
        res.on('error', (error) => done({ ok: false, status, error: error.message }));
      },
    );
    // The whole exchange, connect to last byte, within the timeout.
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, status: null, error: `no answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    req.on('error', (error) => done({ ok: false, status: null, error: error.message }));
    req.end(body);
  });
}

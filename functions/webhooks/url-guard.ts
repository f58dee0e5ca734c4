import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { UnprocessableError } from '../domain/errors.js';

/**
 * The SSRF guard: a webhook URL must be https and every address its host resolves to public.
 * Refused: private (RFC 1918, unique local, CGNAT), loopback, link-local (where the instance
 * metadata service lives, 169.254.169.254 and fd00:ec2::254), unspecified, multicast, reserved
 * and documentation ranges, and IPv4 hidden in IPv6. The local stack may allow loopback (and
 * http on it) through config, nothing else.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  ['100::', 64],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** `::ffff:10.0.0.1` and friends are the IPv4 address inside. */
function unwrap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export const isLoopback = (address: string) => {
  const a = unwrap(address);
  return loopback.check(a.address, a.family);
};

/** Whether a resolved address may receive webhooks. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const a = unwrap(address);
  if (loopback.check(a.address, a.family)) return allowLoopback;
  return !blocked.check(a.address, a.family);
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A lookup that takes longer is refused: a registration never waits on a slow or silent resolver. */
export const RESOLVE_TIMEOUT_MS = 3000;

/** A host name DNS can carry: labels of letters, digits and inner hyphens, 1–63 each, 253 in all. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const isDnsName = (host: string) =>
  host.length <= 253 &&
  host
    .replace(/\.$/, '')
    .split('.')
    .every((label) => LABEL.test(label));

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('lookup timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const refuse = (reason: string) =>
  new UnprocessableError('url_not_allowed', `This webhook URL is not allowed: ${reason}.`, { details: { reason } });

/** Checks a URL as the guard says; throws 422 url_not_allowed naming the reason. */
export async function checkWebhookUrl(
  raw: string,
  allowLoopback: boolean,
  resolve: Resolve = resolveAll,
  timeoutMs = RESOLVE_TIMEOUT_MS,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback)) throw refuse('it must use https');
  if (url.username || url.password) throw refuse('it must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Names no resolver could answer are refused without asking one; `.invalid` never resolves (RFC 6761).
  if (!isIP(host) && (!isDnsName(host) || /(^|\.)invalid\.?$/.test(host))) throw refuse('its host does not resolve');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await withTimeout(resolve(host), timeoutMs);
  } catch {
    throw refuse('its host does not resolve');
  }
  if (addresses.length === 0) throw refuse('its host does not resolve');
  if (!addresses.every((a) => addressAllowed(a, allowLoopback)))
    throw refuse('its host resolves to a private, loopback, link-local or reserved address');
  // http only to loopback, on the local stack: never plain text across a network.
  if (url.protocol === 'http:' && !addresses.every(isLoopback)) throw refuse('it must use https');
  return url;
}

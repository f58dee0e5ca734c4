import { existsSync, readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { decisionTable, type ReceiptInput, verifyReceipts } from './verify.js';

/**
 * `signoff-verify <receipt file | ticket id> [--jwks url|file] [--snapshot file]`
 *
 * A receipt file holds what the API answers: `{receipt, payload}` (one receipt),
 * `{receipts: [...]}` (a ticket's chain, oldest first), a JSON array of either, or a bare
 * compact JWS. Anything else is taken as a ticket id, whose chain is fetched from
 * `$SIGNOFF_API_URL/tickets/<id>/receipts` with `$SIGNOFF_TOKEN` (a technician's token).
 * Without `--jwks`, the keys come from `$SIGNOFF_API_URL/.well-known/jwks.json`.
 *
 * Exit codes: 0 verified, 1 refused (a check failed), 2 usage or input error.
 */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
}

const USAGE = 'usage: signoff-verify <receipt file | ticket id> [--jwks url|file] [--snapshot file]';

class UsageError extends Error {}

function parseArgs(args: string[]) {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--jwks' || arg === '--snapshot') {
      const value = args[++i];
      if (!value) throw new UsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
    } else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('give one receipt file or ticket id');
  return { target: positional[0]!, jwks: flags.jwks, snapshot: flags.snapshot };
}

function toInputs(value: unknown): ReceiptInput[] {
  if (typeof value === 'string') return [{ receipt: value.trim() }];
  if (Array.isArray(value)) return value.flatMap(toInputs);
  if (value && typeof value === 'object') {
    const o = value as { receipt?: unknown; payload?: unknown; receipts?: unknown };
    if (Array.isArray(o.receipts)) return toInputs(o.receipts);
    if (typeof o.receipt === 'string') return [{ receipt: o.receipt, ...(o.payload !== undefined ? { shown: o.payload } : {}) }];
  }
  throw new UsageError('the file holds no receipt: expected {receipt, payload}, {receipts: [...]}, an array of them, or a compact JWS');
}

function readReceiptFile(path: string): ReceiptInput[] {
  const text = readFileSync(path, 'utf8').trim();
  if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(text)) return [{ receipt: text }];
  try {
    return toInputs(JSON.parse(text));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is neither JSON nor a compact JWS`);
  }
}

function apiUrl(io: Io): string {
  const url = io.env.SIGNOFF_API_URL;
  if (!url) throw new UsageError('set SIGNOFF_API_URL (the API base URL) to fetch from the API, or pass --jwks');
  return url.replace(/\/+$/, '');
}

async function getJson(io: Io, url: string, token?: string): Promise<unknown> {
  const reply = await io.fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!reply.ok) throw new UsageError(`GET ${url} answered ${reply.status}: ${(await reply.text()).slice(0, 200)}`);
  return reply.json();
}

async function fetchChain(io: Io, ticketId: string): Promise<ReceiptInput[]> {
  const token = io.env.SIGNOFF_TOKEN;
  if (!token) throw new UsageError("set SIGNOFF_TOKEN (a technician's token) to fetch a ticket's receipts");
  const inputs: ReceiptInput[] = [];
  let next: string | null = null;
  do {
    const query = next ? `?next=${encodeURIComponent(next)}` : '';
    const page = (await getJson(io, `${apiUrl(io)}/tickets/${encodeURIComponent(ticketId)}/receipts${query}`, token)) as {
      receipts: unknown[];
      next: string | null;
    };
    inputs.push(...toInputs(page.receipts));
    next = page.next;
  } while (next);
  if (inputs.length === 0) throw new UsageError(`ticket ${ticketId} has no receipts (yet)`);
  return inputs;
}

async function loadJwks(io: Io, source: string | undefined): Promise<JSONWebKeySet> {
  const value = !source
    ? await getJson(io, `${apiUrl(io)}/.well-known/jwks.json`)
    : /^https?:\/\//.test(source)
      ? await getJson(io, source)
      : JSON.parse(readFileSync(source, 'utf8'));
  if (!value || !Array.isArray((value as JSONWebKeySet).keys)) throw new UsageError('the JWKS holds no `keys`');
  return value as JSONWebKeySet;
}

export async function main(args: string[], io: Io): Promise<number> {
  try {
    const { target, jwks, snapshot } = parseArgs(args);
    const fromFile = existsSync(target);
    const inputs = fromFile ? readReceiptFile(target) : await fetchChain(io, target);
    const keys = await loadJwks(io, jwks);
    const result = await verifyReceipts(inputs, keys, {
      fullChain: !fromFile,
      ...(snapshot ? { snapshot: JSON.parse(readFileSync(snapshot, 'utf8')) } : {}),
    });
    for (const payload of result.payloads) {
      io.out(`Request ${payload.requestId} of ticket ${payload.ticketId} (${payload.ticket.number}: ${payload.ticket.subject})`);
      io.out(
        `  ${payload.status} at ${payload.closedAt}; policy ${JSON.stringify(payload.policy)}; content ${payload.content?.hash ?? 'none'}`,
      );
      io.out(`  previous receipt: ${payload.previous ?? 'none (first of the ticket)'}`);
      io.out(decisionTable(payload).replace(/^/gm, '  '));
      io.out('');
    }
    for (const note of result.notes) io.out(`note: ${note}`);
    if (!result.ok) {
      for (const problem of result.problems) io.err(`REFUSED: ${problem}`);
      return 1;
    }
    const checks = ['signature', ...(inputs.length > 1 ? ['chain'] : []), ...(snapshot ? ['content hash'] : [])];
    io.out(`VERIFIED: ${inputs.length} receipt${inputs.length === 1 ? '' : 's'} (${checks.join(', ')})`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) io.err(`signoff-verify: ${error.message}`);
      io.err(USAGE);
      return 2;
    }
    io.err(`signoff-verify: ${(error as Error).message}`);
    return 2;
  }
}

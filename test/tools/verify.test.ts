import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReceiptSource, receiptPayload } from '../../functions/domain/receipt.js';
import { receiptHash } from '../../functions/signing/jws.js';
import { ensureLocalKeyFile, type LocalKeyFile, localSigner } from '../../functions/signing/local-signer.js';
import type { Signer } from '../../functions/signing/signer.js';
import { main } from '../../tools/verify/cli.js';
import { contentHashOf } from '../../tools/verify/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'signoff-verify-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

const snapshot = { ticket: { number: '4711', subject: 'Buy 1 laptop (EUR 1,000)' }, message: null, policy: { type: 'all' } };

const request = (id: string, status: 'approved' | 'declined' | 'canceled'): ReceiptSource => ({
  id,
  ticketId: 'T-1',
  status,
  policy: { type: 'all' },
  closedAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  closedReason: null,
  ticket: { number: '4711', subject: 'Buy 1 laptop (EUR 1,000)' },
  content: { version: 1, hash: contentHashOf(snapshot) },
  recipients: [
    {
      approverId: 'alice',
      name: 'Alice Approver',
      email: 'alice@example.com',
      status: 'approved',
      respondedAt: '2026-12-01T09:00:00.000Z',
      contentHash: contentHashOf(snapshot),
      signedInAs: { sub: 'sub-alice', email: 'alice@example.com' },
      authTime: '2026-12-01T08:59:00.000Z',
    },
    {
      approverId: 'bob',
      name: 'Bob',
      email: 'bob@example.com',
      status: 'pending',
      respondedAt: null,
      contentHash: null,
      signedInAs: null,
      authTime: null,
    },
  ],
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function verify(args: string[], fetchImpl: typeof fetch = fetch, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env, fetch: fetchImpl });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('signoff-verify', () => {
  let signer: Signer;
  let jwksFile: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    signer = localSigner(ensureLocalKeyFile(join(dir, 'keys.json')));
    jwksFile = file('jwks.json', { keys: await signer.publicKeys() });
    first = await signer.sign(receiptPayload(request('R1', 'canceled'), null, '2026-12-01T10:00:01.000Z'));
    second = await signer.sign(receiptPayload(request('R2', 'approved'), receiptHash(first), '2026-12-01T11:00:01.000Z'));
  });

  it('verifies a receipt against the JWKS and prints its decisions as a table', async () => {
    const path = file('one.json', { receipt: second, payload: JSON.parse(Buffer.from(second.split('.')[1]!, 'base64url').toString()) });
    const run = await verify([path, '--jwks', jwksFile]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/approver\s+email\s+signed in as\s+decision\s+at\s+content/);
    expect(run.out).toMatch(
      /Alice Approver \(alice\)\s+alice@example\.com\s+alice@example\.com \(sub-alice\)\s+approved\s+2026-12-01T09:00:00\.000Z/,
    );
    expect(run.out).toContain('VERIFIED: 1 receipt (signature)');
  });

  it('verifies a chain and the content hash against a snapshot (RFC 8785: key order does not matter)', async () => {
    const reordered = { policy: { type: 'all' }, message: null, ticket: { subject: 'Buy 1 laptop (EUR 1,000)', number: '4711' } };
    const run = await verify([
      file('chain.json', { receipts: [{ receipt: first }, { receipt: second }] }),
      '--jwks',
      jwksFile,
      '--snapshot',
      file('snap.json', reordered),
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('VERIFIED: 2 receipts (signature, chain, content hash)');
  });

  it('refuses a receipt with one byte changed', async () => {
    const [header, payload, signature] = second.split('.') as [string, string, string];
    const bytes = Buffer.from(payload, 'base64url');
    bytes[bytes.indexOf('approved')] = 'A'.charCodeAt(0);
    const run = await verify([file('changed.jws', `${header}.${bytes.toString('base64url')}.${signature}`), '--jwks', jwksFile]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('REFUSED: receipt 1: its signature does not match: the receipt was changed after signing');
  });

  it('refuses a receipt signed by another key, whether its kid is unknown or copied', async () => {
    const other = localSigner(ensureLocalKeyFile(join(dir, 'other-keys.json')));
    const foreign = await other.sign(receiptPayload(request('R2', 'approved'), null, '2026-12-01T11:00:01.000Z'));
    const unknown = await verify([file('foreign.jws', foreign), '--jwks', jwksFile]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/REFUSED: receipt 1: it is signed by a key that is not in the JWKS \(kid local-[0-9a-f]+\)/);

    const ourKid = JSON.parse(Buffer.from(second.split('.')[0]!, 'base64url').toString()).kid;
    // Another private key published under our kid: the JWKS holds our public key for that kid.
    const [otherKey] = (JSON.parse(readFileSync(join(dir, 'other-keys.json'), 'utf8')) as LocalKeyFile).keys;
    const impostor = localSigner({ keys: [{ kid: ourKid, privateJwk: otherKey!.privateJwk }] });
    const copied = await verify([file('impostor.jws', await impostor.sign({ requestId: 'R2' })), '--jwks', jwksFile]);
    expect(copied.code).toBe(1);
    expect(copied.err).toContain('its signature does not match: the receipt was changed after signing, or it was signed by another key');
  });

  it('refuses a broken chain: a receipt whose previous is not the receipt before it', async () => {
    const stray = await signer.sign(receiptPayload(request('R3', 'declined'), receiptHash(first), '2026-12-01T12:00:00.000Z'));
    const run = await verify([file('broken.json', [first, second, stray]), '--jwks', jwksFile]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `REFUSED: receipt 3 (request R3): the chain is broken: its previous is ${receiptHash(first)}, but the receipt before it hashes to ${receiptHash(second)}`,
    );
  });

  it('refuses a snapshot that is not what was approved', async () => {
    const run = await verify([
      file('two.jws', second),
      '--jwks',
      jwksFile,
      '--snapshot',
      file('other.json', { ...snapshot, ticket: { number: '4711', subject: 'Buy 100 laptops (EUR 100,000)' } }),
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /REFUSED: receipt 1 \(request R2\): the snapshot is not what was approved: it hashes to sha256:[0-9a-f]{64}, the receipt names sha256:/,
    );
  });

  it("fetches a ticket's chain and the JWKS from the API when given a ticket id", async () => {
    const seen: string[] = [];
    const api = (async (url: string | URL, init?: RequestInit) => {
      seen.push(`${url} ${(init?.headers as Record<string, string>)?.authorization ?? ''}`.trim());
      const body = String(url).endsWith('/.well-known/jwks.json')
        ? { keys: await signer.publicKeys() }
        : { receipts: [{ receipt: first }, { receipt: second }], next: null };
      return new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    const run = await verify(['T-1'], api, { SIGNOFF_API_URL: 'https://api.example/', SIGNOFF_TOKEN: 'tok' });
    expect(run.code).toBe(0);
    expect(seen).toEqual(['https://api.example/tickets/T-1/receipts Bearer tok', 'https://api.example/.well-known/jwks.json']);
  });

  it('runs as the package bin (npx signoff-verify)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'signoff-verify', file('bin.jws', second), '--jwks', jwksFile]);
    expect(stdout).toContain('VERIFIED: 1 receipt');
    // npx and tsx start slowly on a busy machine: a limit, not a timing.
  }, 120_000);
});

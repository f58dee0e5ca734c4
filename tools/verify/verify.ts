import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet } from 'jose';
import type { ReceiptDecision, ReceiptPayload } from '../../functions/domain/receipt.js';
import { receiptHash } from '../../functions/signing/jws.js';

/**
 * What `signoff-verify` checks, offline, with nothing but the receipts, the public keys and
 * (optionally) a snapshot of the content. Each receipt is a compact JWS (ES256):
 * 1. signature: the JWS verifies against a key of the JWKS named by its `kid`;
 * 2. chain: each receipt's `previous` is `sha256:<hex>` of the compact JWS before it (ASCII
 *    bytes), and the first of a ticket's full chain has `previous: null`; all name one ticket;
 * 3. content: `content.hash` of the last receipt is `sha256:<hex>` of the RFC 8785 canonical
 *    JSON of the snapshot.
 * The payload shown beside a receipt (`{receipt, payload}`) must be the signed one.
 */
export interface ReceiptInput {
  receipt: string;
  /** The decoded payload the API shows beside the JWS, if the file has it. */
  shown?: unknown;
}

export interface Verified {
  ok: boolean;
  /** One line per failed check, naming the receipt. */
  problems: string[];
  /** Notes that are not failures (e.g. a chain that starts mid-way). */
  notes: string[];
  payloads: ReceiptPayload[];
}

export const contentHashOf = (snapshot: unknown): string => {
  const canonical = canonicalize(snapshot);
  if (canonical === undefined) throw new Error('the snapshot is not JSON that can be canonicalized');
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
};

function describeFailure(error: unknown, kid: string | undefined): string {
  if (error instanceof errors.JWKSNoMatchingKey) return `it is signed by a key that is not in the JWKS (kid ${kid ?? 'missing'})`;
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'its signature does not match: the receipt was changed after signing, or it was signed by another key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'it is not signed with ES256';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JOSEError)
    return `it is not a well-formed JWS (${(error as Error).message})`;
  return `it could not be checked (${(error as Error).message})`;
}

const label = (i: number, payload?: ReceiptPayload) => `receipt ${i + 1}${payload ? ` (request ${payload.requestId})` : ''}`;

export async function verifyReceipts(
  inputs: ReceiptInput[],
  jwks: JSONWebKeySet,
  options: { snapshot?: unknown; fullChain?: boolean } = {},
): Promise<Verified> {
  const keys = createLocalJWKSet(jwks);
  const problems: string[] = [];
  const notes: string[] = [];
  const payloads: ReceiptPayload[] = [];
  for (const [i, input] of inputs.entries()) {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(input.receipt).kid;
    } catch {
      // Reported by compactVerify below.
    }
    try {
      const { payload } = await compactVerify(input.receipt.trim(), keys, { algorithms: ['ES256'] });
      const decoded = JSON.parse(new TextDecoder().decode(payload)) as ReceiptPayload;
      if (input.shown !== undefined && canonicalize(input.shown) !== canonicalize(decoded)) {
        problems.push(`${label(i, decoded)}: the payload shown beside it is not the one it signs`);
      }
      payloads.push(decoded);
    } catch (error) {
      problems.push(`${label(i)}: ${describeFailure(error, kid)}`);
      return { ok: false, problems, notes, payloads };
    }
  }
  for (const [i, payload] of payloads.entries()) {
    if (i === 0) {
      if (payload.previous !== null && options.fullChain)
        problems.push(`${label(i, payload)}: the chain is broken: the ticket's first receipt names a previous one`);
      else if (payload.previous !== null)
        notes.push(`${label(i, payload)} follows an earlier receipt (${payload.previous}) not given here: that link was not checked`);
      continue;
    }
    const before = inputs[i - 1]!.receipt.trim();
    if (payload.ticketId !== payloads[i - 1]!.ticketId)
      problems.push(`${label(i, payload)}: the chain is broken: it is of another ticket than the receipt before it`);
    else if (payload.previous !== receiptHash(before)) {
      problems.push(
        `${label(i, payload)}: the chain is broken: its previous is ${payload.previous ?? 'null'}, but the receipt before it hashes to ${receiptHash(before)}`,
      );
    }
  }
  if (options.snapshot !== undefined) {
    const last = payloads.at(-1);
    const expected = contentHashOf(options.snapshot);
    if (!last?.content) problems.push(`${label(payloads.length - 1, last)}: it names no content hash to compare the snapshot with`);
    else if (last.content.hash !== expected) {
      problems.push(
        `${label(payloads.length - 1, last)}: the snapshot is not what was approved: it hashes to ${expected}, the receipt names ${last.content.hash}`,
      );
    }
  }
  return { ok: problems.length === 0, problems, notes, payloads };
}

const short = (hash: string | null) => (hash ? `${hash.slice(0, 19)}…` : '—');

/** The decisions of a receipt as a plain-text table. */
export function decisionTable(payload: ReceiptPayload): string {
  const rows: string[][] = [
    ['approver', 'email', 'signed in as', 'decision', 'at', 'content'],
    ...payload.decisions.map((d: ReceiptDecision) => [
      `${d.name} (${d.approverId})`,
      d.email,
      d.signedInAs ? `${d.signedInAs.email ?? '(no email)'} (${d.signedInAs.sub})` : '—',
      d.decision,
      d.at,
      short(d.contentHash),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

import { activity } from '../domain/activity.js';
import { receiptPayload } from '../domain/receipt.js';
import { logger } from '../logger.js';
import { receiptSigner } from '../signing/index.js';
import { receiptHash } from '../signing/jws.js';
import { loadRequest } from '../store/approval-repository.js';
import { readReceiptHead, receiptsAfter, saveIssuedReceipt, ticketsWithDueReceipts } from '../store/receipt-repository.js';
import { StaleStateError } from '../store/transaction.js';

const ACTOR = { kind: 'system', id: 'receipts' } as const;
/** Enough for a ticket's backlog and for losing a few races to a concurrent job; the rest waits for the next run. */
const MAX_ROUNDS = 50;

const kidOf = (jws: string): string => JSON.parse(Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString('utf8')).kid;

/**
 * Signs the ticket's unsigned receipts into its chain, oldest request first: each links to the
 * chain's head as it is read, and the write moves the head only if no one moved it meanwhile.
 * A job that loses that race reads the new head and carries on, so concurrent closes, stream
 * retries and the schedule all end in one serial chain. Returns how many it signed.
 */
export async function issueReceipts(ticketId: string): Promise<number> {
  let issued = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const head = await readReceiptHead(ticketId);
    const [next] = await receiptsAfter(ticketId, head?.requestKey ?? null, 1);
    if (!next) return issued;
    if (next.status === 'issued')
      throw new Error(`receipt ${next.requestId} is signed but the chain head of ticket ${ticketId} is behind it`);
    const request = await loadRequest(next.requestId, { conversation: false });
    if (!request) throw new Error(`receipt ${next.requestId} names a request that does not exist`);
    const payload = receiptPayload(request, head?.hash ?? null, new Date().toISOString());
    const receipt = await receiptSigner().sign(payload);
    const hash = receiptHash(receipt);
    const event = activity(
      'receipt_issued',
      { at: payload.issuedAt, actor: ACTOR, requestId: request.id },
      { receiptHash: hash, previous: payload.previous, kid: kidOf(receipt) },
    );
    try {
      await saveIssuedReceipt(ticketId, { requestKey: next.requestKey, receipt, payload, hash }, head, event);
      issued++;
    } catch (error) {
      if (!(error instanceof StaleStateError)) throw error;
      logger.info('receipt chain moved meanwhile; reading it again', { ticketId });
    }
  }
  return issued;
}

/** The schedule's run: every ticket with a receipt still unsigned (the stream missed it, or signing failed). */
export async function issueDueReceipts(now = new Date()): Promise<number> {
  const tickets = await ticketsWithDueReceipts(now);
  let issued = 0;
  for (const ticketId of tickets) issued += await issueReceipts(ticketId);
  return issued;
}

import { NotFoundError } from '../domain/errors.js';
import type { ReceiptPayload } from '../domain/receipt.js';
import { fromRequestId } from '../domain/request-id.js';
import { currentReceipt, getReceipt, listIssuedReceipts, type StoredReceipt } from '../store/receipt-repository.js';

/** What the receipt routes answer: the compact JWS and its payload, decoded for reading. */
export interface ReceiptView {
  receipt: string;
  payload: ReceiptPayload;
}

const notReady = () =>
  new NotFoundError('receipt_not_ready', 'This request has no receipt yet: it is still open, or its receipt is being signed.');

function viewOf(stored: StoredReceipt | null | 'open'): ReceiptView {
  if (stored === null || stored === 'open' || stored.status !== 'issued' || !stored.receipt || !stored.payload) throw notReady();
  return { receipt: stored.receipt, payload: stored.payload };
}

/** The receipt of the ticket's newest request (the Approvals tab's). */
export async function ticketReceipt(ticketId: string): Promise<ReceiptView> {
  const stored = await currentReceipt(ticketId);
  if (stored === 'none') throw new NotFoundError('not_found', 'This ticket has no approval request.');
  return viewOf(stored);
}

/** One request's receipt; the caller has checked that its caller may see the request. */
export async function requestReceipt(requestId: string): Promise<ReceiptView> {
  const { ticketId, requestKey } = fromRequestId(requestId);
  return viewOf(await getReceipt(ticketId, requestKey));
}

/** The ticket's signed receipts, oldest first: its chain, a page at a time. */
export async function ticketReceipts(ticketId: string, limit: number, next?: string) {
  const page = await listIssuedReceipts(ticketId, limit, next);
  // As the activity log: a ticket with nothing to list (unknown, or no request closed yet) is 404.
  if (page.receipts.length === 0 && next === undefined) throw new NotFoundError('not_found', `Ticket ${ticketId} has no receipts yet.`);
  return { receipts: page.receipts.map(viewOf), next: page.next };
}

import type { ApprovalRequest, Policy, Recipient, RecipientStatus, RequestStatus } from './types.js';

/**
 * The payload of a receipt: what a closed request decided, as an auditor needs it, signed
 * (ES256 JWS) and chained per ticket. Pure: built from plain data. The content fields
 * (`content.hash`, each response's `contentHash` and `signedInAs`) come with content versions
 * and are null on requests that have none.
 *
 * The chain: `previous` is `sha256:<hex>` of the previous receipt of the same ticket, as its
 * compact JWS (ASCII bytes, exactly as served), or null for the ticket's first receipt.
 */
export const RECEIPT_TYPE = 'signoff.approval-receipt';
export const RECEIPT_VERSION = 1;

export interface ReceiptDecision {
  approverId: string;
  name: string;
  email: string;
  /** `approved` or `declined` (those who never decided are not decisions). */
  decision: Extract<RecipientStatus, 'approved' | 'declined'>;
  at: string;
  /** Who was signed in when the answer was recorded: Cognito sub and email, and when they signed in. */
  signedInAs: { sub: string; email: string | null; authTime: string | null } | null;
  /** The content hash the approver answered on. */
  contentHash: string | null;
}

export interface ReceiptPayload {
  type: typeof RECEIPT_TYPE;
  v: typeof RECEIPT_VERSION;
  requestId: string;
  ticketId: string;
  ticket: { number: string; subject: string };
  status: Extract<RequestStatus, 'approved' | 'declined' | 'canceled'>;
  closedAt: string;
  closedReason: string | null;
  content: { version: number; hash: string } | null;
  policy: Policy;
  decisions: ReceiptDecision[];
  previous: string | null;
  issuedAt: string;
}

/** What the payload is built from: a closed request. */
export type ReceiptSource = Pick<ApprovalRequest, 'id' | 'ticketId' | 'status' | 'policy' | 'closedAt' | 'updatedAt' | 'closedReason'> & {
  ticket: { number: string; subject: string };
  content: { version: number; hash: string } | null;
  recipients: Pick<Recipient, 'approverId' | 'name' | 'email' | 'status' | 'respondedAt' | 'contentHash' | 'signedInAs' | 'authTime'>[];
};

const CLOSED = ['approved', 'declined', 'canceled'] as const;
type Closed = (typeof CLOSED)[number];
export const isClosed = (status: RequestStatus): status is Closed => (CLOSED as readonly string[]).includes(status);

export function receiptPayload(request: ReceiptSource, previous: string | null, issuedAt: string): ReceiptPayload {
  if (!isClosed(request.status)) throw new Error(`request ${request.id} is still ${request.status}: no receipt`);
  const decisions = request.recipients
    .filter((r) => (r.status === 'approved' || r.status === 'declined') && r.respondedAt)
    .map(
      (r): ReceiptDecision => ({
        approverId: r.approverId,
        name: r.name,
        email: r.email,
        decision: r.status as ReceiptDecision['decision'],
        at: r.respondedAt!,
        signedInAs: r.signedInAs ? { sub: r.signedInAs.sub, email: r.signedInAs.email, authTime: r.authTime ?? null } : null,
        contentHash: r.contentHash ?? null,
      }),
    )
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.approverId < b.approverId ? -1 : 1));
  return {
    type: RECEIPT_TYPE,
    v: RECEIPT_VERSION,
    requestId: request.id,
    ticketId: request.ticketId,
    ticket: { number: request.ticket.number, subject: request.ticket.subject },
    status: request.status,
    closedAt: request.closedAt ?? request.updatedAt,
    closedReason: request.closedReason ?? null,
    content: request.content ? { version: request.content.version, hash: request.content.hash } : null,
    policy: request.policy,
    decisions,
    previous,
    issuedAt,
  };
}

import { toRequestId } from '../domain/request-id.js';
import type { Recipient, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { toRecipient } from './approval-records.js';
import { batchGet } from './batch-get.js';
import { indexKeys, keys } from './keys.js';
import { queryIndex } from './query.js';
import { INDEX } from './table-definition.js';

/** One line of an approver's "My approvals": their own status and the request's headline. */
export interface ApproverRequestSummary {
  requestId: string;
  status: RequestStatus;
  ticket: Pick<TicketSnapshot, 'number' | 'subject' | 'requester'>;
  requestedBy: { name: string | null; email: string | null };
  createdAt: string;
  you: Pick<Recipient, 'status' | 'respondedAt'>;
}

/**
 * Access pattern 4: Query gsi1 for the approver's recipient items, newest first, then one
 * BatchGetItem for the requests' headlines (without the conversation, which can be large).
 */
export async function listApproverRequests(approverId: string, limit: number): Promise<ApproverRequestSummary[]> {
  const recipients = await queryIndex(INDEX.approverRequests, {
    partition: indexKeys.approverRequestsPk(approverId),
    newestFirst: true,
    limit,
  });
  if (recipients.length === 0) return [];
  const found = await batchGet(
    recipients.map((r) => keys.request(r.ticketId as string, r.requestKey as string)),
    {
      projection: 'ticketId, requestKey, #status, ticket.#number, ticket.subject, ticket.requester, requestedBy, createdAt',
      names: { '#status': 'status', '#number': 'number' },
    },
  );
  const metas = new Map(found.map((item) => [`${item.ticketId}/${item.requestKey}`, item]));
  return recipients.flatMap((item) => {
    const meta = metas.get(`${item.ticketId}/${item.requestKey}`);
    if (!meta) return [];
    const recipient = toRecipient(item);
    const by = meta.requestedBy as { name?: string; email?: string };
    return [
      {
        requestId: toRequestId(meta.ticketId as string, meta.requestKey as string),
        status: meta.status as RequestStatus,
        ticket: meta.ticket as ApproverRequestSummary['ticket'],
        requestedBy: { name: by.name ?? null, email: by.email ?? null },
        createdAt: meta.createdAt as string,
        you: { status: recipient.status, respondedAt: recipient.respondedAt },
      },
    ];
  });
}

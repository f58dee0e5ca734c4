import { toRequestId } from '../domain/request-id.js';
import type { Recipient, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { toRecipient } from './approval-records.js';
import { batchGet } from './batch-get.js';
import { indexKeys, keys } from './keys.js';
import { queryPage } from './paging.js';
import { INDEX } from './table-definition.js';

type Item = Record<string, unknown>;

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
 * Access pattern 4: the approver's recipient items on gsi1, those waiting on them first, then
 * the rest, newest first, a page at a time; then one BatchGetItem for the page's requests'
 * headlines (the conversation is on an item of its own, never read here).
 */
export async function listApproverRequests(
  approverId: string,
  limit: number,
  cursor?: string,
  /** The login asking: places bound to another login (an approver id re-listed for someone else) are left out. */
  loginSub?: string,
): Promise<{ approvals: ApproverRequestSummary[]; next: string | null }> {
  const phase = (waiting: boolean) => ({
    input: {
      IndexName: INDEX.approverRequests.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: {
        ':pk': indexKeys.approverRequestsPk(approverId, waiting),
        ...(loginSub ? { ':sub': loginSub, ':null': 'NULL' } : {}),
      },
      ...(loginSub ? { FilterExpression: 'attribute_not_exists(loginSub) OR attribute_type(loginSub, :null) OR loginSub = :sub' } : {}),
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    partition: { attribute: 'gsi1pk', value: indexKeys.approverRequestsPk(approverId, waiting) },
  });
  const page = await queryPage([phase(true), phase(false)], limit, cursor);
  return { approvals: await summaries(page.items), next: page.next };
}

async function summaries(recipients: Item[]): Promise<ApproverRequestSummary[]> {
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

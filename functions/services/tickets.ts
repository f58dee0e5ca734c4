import { activity } from '../domain/activity.js';
import { approvalStatusOf } from '../domain/approval-request.js';
import { approverContent, contentHashOf } from '../domain/content.js';
import { changeContent } from '../domain/content-change.js';
import { NotFoundError } from '../domain/errors.js';
import { openRequest } from '../domain/policy.js';
import type { Actor, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { listActivityPage } from '../store/activity-repository.js';
import {
  getTickets,
  listTicketsByStatus,
  loadConversation,
  loadTab,
  saveChange,
  saveTicketSnapshot,
} from '../store/approval-repository.js';
import { contentVersionWrite } from '../store/content-versions.js';
import { PAGE } from '../store/paging.js';
import { retryOnStaleState } from '../store/transaction.js';

/**
 * Refreshes the snapshot on the ticket and on its open request, so new mails show it. When that
 * changes what the open request's approvers see, it is a new content version (content-change.ts):
 * approvals on the older one may become stale.
 */
export async function putTicket(ticketId: string, snapshot: TicketSnapshot, actor: Actor) {
  return retryOnStaleState(async () => {
    const { ticket, request } = await loadTab(ticketId);
    const open = openRequest(request);
    const at = new Date().toISOString();
    if (open && contentHashOf(approverContent({ ...open, ticket: snapshot })) !== open.content.hash) {
      // What the approvers were shown, conversation included, to say what changed.
      const conversation = (await loadConversation(open.id)) ?? open.ticket.conversation;
      const change = changeContent({ request: { ...open, ticket: { ...open.ticket, conversation } }, ticket: snapshot, actor, now: at });
      await saveChange(change, { snapshot, extra: [contentVersionWrite(change.after)] });
      return { ticketId, ...snapshot, approvalStatus: approvalStatusOf(change.after) };
    }
    await saveTicketSnapshot(ticketId, snapshot, open, activity('ticket_updated', { at, actor, requestId: open?.id ?? null }, {}));
    return { ticketId, ...snapshot, approvalStatus: ticket.approvalStatus };
  });
}

export async function ticketActivity(ticketId: string, page: { limit?: number | undefined; next?: string | undefined }) {
  const result = await listActivityPage(ticketId, page.limit ?? PAGE.max, page.next);
  if (result.activity.length === 0 && page.next === undefined) throw new NotFoundError('not_found', `Ticket ${ticketId} has no activity.`);
  return result;
}

export async function ticketColumn(query: {
  ids?: string[] | undefined;
  approvalStatus?: RequestStatus | undefined;
  limit?: number | undefined;
  next?: string | undefined;
}) {
  if (query.ids) return { tickets: await getTickets(query.ids), next: null };
  return listTicketsByStatus(query.approvalStatus!, query.limit ?? PAGE.max, query.next);
}

import { activity } from '../domain/activity.js';
import { NotFoundError } from '../domain/errors.js';
import { openRequest } from '../domain/policy.js';
import type { Actor, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { listActivityPage } from '../store/activity-repository.js';
import { getTickets, listTicketsByStatus, loadTab, saveTicketSnapshot } from '../store/approval-repository.js';
import { PAGE } from '../store/paging.js';
import { retryOnStaleState } from '../store/transaction.js';

/** Refreshes the snapshot on the ticket and on its open request, so new mails show it. */
export async function putTicket(ticketId: string, snapshot: TicketSnapshot, actor: Actor) {
  return retryOnStaleState(async () => {
    const { ticket, request } = await loadTab(ticketId);
    const open = openRequest(request);
    const at = new Date().toISOString();
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

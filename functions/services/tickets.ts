import { activity } from '../domain/activity.js';
import { NotFoundError } from '../domain/errors.js';
import { openRequest } from '../domain/policy.js';
import type { Actor, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { listActivity } from '../store/activity-repository.js';
import { getTickets, listTicketsByStatus, loadTab, saveTicketSnapshot } from '../store/approval-repository.js';
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

export async function ticketActivity(ticketId: string) {
  const events = await listActivity(ticketId);
  if (events.length === 0) throw new NotFoundError('not_found', `Ticket ${ticketId} has no activity.`);
  return events;
}

export async function ticketColumn(query: {
  ids?: string[] | undefined;
  approvalStatus?: RequestStatus | undefined;
  limit?: number | undefined;
}) {
  const records = query.ids ? await getTickets(query.ids) : await listTicketsByStatus(query.approvalStatus!, query.limit ?? 100);
  return records;
}

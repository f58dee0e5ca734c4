import { type Change, type CreateRequestInput, createRequest } from '../../functions/domain/approval-request.js';
import type { Actor, ApprovalRequest, Approver, TicketSnapshot } from '../../functions/domain/types.js';

export const NOW = '2026-11-25T10:00:00.000Z';
export const technician: Actor = { kind: 'technician', id: 'tech-1', email: 'tech@example.com', name: 'Tess Tech' };
/** The due-work job, as the actor of what it does. */
export const system = { kind: 'system', id: 'deadlines' } as const;

export const hoursAfter = (iso: string, h: number) => new Date(new Date(iso).getTime() + h * 3600_000).toISOString();

export function approver(id: string, kind: Approver['kind'] = 'user'): Approver {
  return { approverId: id, kind, name: `Name ${id}`, email: `${id}@example.com`, createdAt: NOW, updatedAt: NOW };
}

export const ticket: TicketSnapshot = {
  number: '4711',
  subject: 'New laptop',
  requester: { name: 'Rita Requester', email: 'rita@example.com' },
  conversation: [{ author: 'Rita Requester', body: 'I need a laptop.', at: '2026-11-24T09:00:00Z' }],
};

/**
 * A new request on ticket T1 by the technician at NOW, to the approvers with these ids
 * (policy `all`, no message), with any other create option given.
 */
export function newRequestChange(
  ids: string[],
  options: Partial<Omit<CreateRequestInput, 'approvers'>> & { approvers?: Approver[] } = {},
): Change {
  return createRequest({
    id: 'R1',
    ticketId: 'T1',
    ticket,
    approvers: ids.map((id) => approver(id)),
    policy: { type: 'all' },
    message: null,
    actor: technician,
    now: NOW,
    ...options,
  });
}

/** The request of newRequestChange. */
export const newRequest = (ids: string[], options: Parameters<typeof newRequestChange>[1] = {}): ApprovalRequest =>
  newRequestChange(ids, options).after;

import type { Actor, Approver, TicketSnapshot } from '../../functions/domain/types.js';

export const NOW = '2026-11-25T10:00:00.000Z';
export const technician: Actor = { kind: 'technician', id: 'tech-1', email: 'tech@example.com', name: 'Tess Tech' };

export function approver(id: string, kind: Approver['kind'] = 'user'): Approver {
  return { approverId: id, kind, name: `Name ${id}`, email: `${id}@example.com`, createdAt: NOW, updatedAt: NOW };
}

export const ticket: TicketSnapshot = {
  number: '4711',
  subject: 'New laptop',
  requester: { name: 'Rita Requester', email: 'rita@example.com' },
  conversation: [{ author: 'Rita Requester', body: 'I need a laptop.', at: '2026-11-24T09:00:00Z' }],
};

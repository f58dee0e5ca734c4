import { randomUUID } from 'node:crypto';

/** Fresh ids and the one builder of `POST /tickets/{ticketId}/approval` bodies, for tests and the benchmark. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface TicketSnapshot {
  number: string;
  subject: string;
  requester: { name: string; email: string };
  conversation: { author: string; body: string; at: string }[];
}

/**
 * A request body for these recipients. `extra` is spread over the body (message, policy, …);
 * its `ticket`, if any, is laid over the default ticket field by field.
 */
export function ticketBody(recipients: string[], extra: Record<string, unknown> & { ticket?: Partial<TicketSnapshot> } = {}) {
  const { ticket, ...rest } = extra;
  return {
    recipients,
    message: 'Please approve the new laptop.',
    ...rest,
    ticket: {
      number: String(Math.floor(Math.random() * 100000)),
      subject: 'New laptop for Rita',
      requester: { name: 'Rita Requester', email: 'rita@example.com' },
      conversation: [{ author: 'Rita Requester', body: 'My laptop broke.', at: '2026-11-24T09:00:00Z' }],
      ...ticket,
    },
  };
}

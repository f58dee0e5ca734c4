import { randomUUID } from 'node:crypto';

/** Fresh ids and request bodies shared by every test client. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export function ticketBody(recipients: string[], extra: Record<string, unknown> = {}) {
  return {
    recipients,
    message: 'Please approve the new laptop.',
    ticket: {
      number: String(Math.floor(Math.random() * 100000)),
      subject: 'New laptop for Rita',
      requester: { name: 'Rita Requester', email: 'rita@example.com' },
      conversation: [{ author: 'Rita Requester', body: 'My laptop broke.', at: '2026-11-24T09:00:00Z' }],
    },
    ...extra,
  };
}

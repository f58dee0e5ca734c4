import { beforeAll, describe, expect, it } from 'vitest';
import { call, newApprover, technicianToken, ticketBody, unique } from '../support/api.js';

/** Manual reminders: never to someone who can no longer answer, and not a flood to anyone. */
describe('manual reminders', () => {
  let technician: string;
  beforeAll(async () => {
    technician = await technicianToken();
  });

  const open = async (recipients: string[]) => {
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(recipients) });
    expect(created.status).toBe(201);
    return ticketId;
  };
  const remindersOf = async (ticketId: string) => {
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    return Object.fromEntries(tab.body.recipients.map((r: { approverId: string; reminders: number }) => [r.approverId, r.reminders]));
  };

  it('refuses a reminder to a delisted recipient with 409 and mails nothing', async () => {
    const [a, b] = await Promise.all([newApprover(technician), newApprover(technician)]);
    const ticketId = await open([a.approverId, b.approverId]);
    expect((await call('DELETE', `/directory/approvers/${a.approverId}`, { token: technician })).status).toBe(204);
    const reply = await call('POST', `/tickets/${ticketId}/approval/recipients/${a.approverId}/reminders`, { token: technician });
    expect({ status: reply.status, code: reply.body.error.code }).toEqual({ status: 409, code: 'approver_delisted' });
    expect(await remindersOf(ticketId)).toEqual({ [a.approverId]: 0, [b.approverId]: 0 });
  });

  it('refuses a reminder to a removed recipient with 409', async () => {
    const [a, b] = await Promise.all([newApprover(technician), newApprover(technician)]);
    const ticketId = await open([a.approverId, b.approverId]);
    await call('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body: { recipients: [a.approverId] } });
    const reply = await call('POST', `/tickets/${ticketId}/approval/recipients/${b.approverId}/reminders`, { token: technician });
    expect({ status: reply.status, code: reply.body.error.code }).toEqual({ status: 409, code: 'recipient_removed' });
  });

  it('sends one of 20 quick reminders to one recipient and answers the rest 429 with Retry-After', async () => {
    const [a, b] = await Promise.all([newApprover(technician), newApprover(technician)]);
    const ticketId = await open([a.approverId, b.approverId]);
    const path = `/tickets/${ticketId}/approval/recipients/${a.approverId}/reminders`;
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await call('POST', path, { token: technician }));
    expect(replies.map((r) => r.status)).toEqual([202, ...Array(19).fill(429)]);
    const refused = replies[1]!;
    expect(refused.body.error.code).toBe('reminder_too_soon');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(await remindersOf(ticketId)).toEqual({ [a.approverId]: 1, [b.approverId]: 0 });
    // Another recipient of the same request may still be reminded.
    expect((await call('POST', `/tickets/${ticketId}/approval/recipients/${b.approverId}/reminders`, { token: technician })).status).toBe(
      202,
    );
  });
});

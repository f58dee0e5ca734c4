import { describe, expect, it } from 'vitest';
import { mailAbout, mailTo, storedMails } from '../../tools/mailbox.js';
import { call, local, newApprover, stack, technicianToken, ticketBody, unique, waitForIdle } from '../support/api.js';

/**
 * The mail pipeline of the local stack end to end (the outbox, the table's stream, the mailer
 * delivering a batch at once with paced parallel sends): every mail exactly once.
 */
describe('the mail pipeline', () => {
  it('mails each of 50 recipients exactly once, and then each of 10 newcomers once (60 mails)', async () => {
    const technician = await technicianToken();
    const approvers = await Promise.all(Array.from({ length: 60 }, () => newApprover(technician)));
    const first = approvers.slice(0, 50);
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(first.map((a) => a.approverId)),
    });
    expect(created.status).toBe(201);
    const requestId = created.body.id as string;
    expect(await stack.waitForMails(mailAbout(requestId), 50, { timeoutMs: 60_000 })).toHaveLength(50);

    // Swap 10 recipients for 10 newcomers: only the newcomers are mailed.
    const second = [...approvers.slice(0, 40), ...approvers.slice(50)];
    const edited = await call('PUT', `/tickets/${ticketId}/approval/recipients`, {
      token: technician,
      body: { recipients: second.map((a) => a.approverId) },
    });
    expect(edited.status).toBe(200);
    expect(await stack.waitForMails(mailAbout(requestId), 60, { timeoutMs: 60_000 })).toHaveLength(60);
    await waitForIdle();

    const mails = await storedMails(local(), mailAbout(requestId));
    for (const a of approvers) expect(mails.filter(mailTo(a.email)), a.email).toHaveLength(1);
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    const pending = tab.body.recipients.filter((r: { status: string }) => r.status === 'pending');
    expect(pending).toHaveLength(50);
    for (const r of pending) expect(r).toMatchObject({ sentAt: expect.any(String), mailError: null });
  }, 180_000);
});

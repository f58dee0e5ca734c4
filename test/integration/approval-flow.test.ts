import { beforeAll, describe, expect, it } from 'vitest';
import {
  allApprovers,
  call,
  local,
  mailsOnceIdle,
  newApprover,
  signIn,
  technicianToken,
  ticketBody,
  unique,
  waitForMails,
} from '../support/api.js';

describe('the approval flow through the HTTP API', () => {
  let technician: string;
  beforeAll(async () => {
    technician = await technicianToken();
  });

  it('runs the seeded demo end to end: request, mail, feedback, approvals, column and activity', async () => {
    const [user, contact] = [
      local().demo.approvers.find((a) => a.kind === 'user')!,
      local().demo.approvers.find((a) => a.kind === 'contact')!,
    ];
    // The directory lists both seeded approvers (on some page: other files add approvers to this stack).
    const listed = await allApprovers(technician);
    expect(listed.map((a) => a.approverId)).toEqual(expect.arrayContaining([user.approverId, contact.approverId]));

    const ticketId = unique('T');
    const before = { user: (await mailsOnceIdle(user.email)).length, contact: (await mailsOnceIdle(contact.email)).length };
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([user.approverId, contact.approverId]),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ticketId, status: 'pending', policy: { type: 'all' } });

    expect(await waitForMails(user.email, before.user + 1)).toHaveLength(before.user + 1);
    expect(await waitForMails(contact.email, before.contact + 1)).toHaveLength(before.contact + 1);

    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.status).toBe(200);
    expect(tab.body.recipients).toHaveLength(2);
    for (const r of tab.body.recipients)
      expect(r).toMatchObject({ status: 'pending', sentAt: expect.any(String), reminders: 0, feedback: [] });

    const userToken = await signIn(user.email, user.password);
    const contactToken = await signIn(contact.email, contact.password);
    const mine = await call('GET', '/portal/approvals', { token: userToken });
    expect(mine.body.approvals[0]).toMatchObject({ requestId: created.body.id, status: 'pending', you: { status: 'pending' } });

    const feedback = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: contactToken,
      body: { feedback: 'Which model?' },
    });
    expect(feedback).toMatchObject({
      status: 200,
      body: { status: 'pending', you: { status: 'pending', feedback: [{ body: 'Which model?' }] } },
    });

    const first = await call('POST', `/portal/approvals/${created.body.id}/responses`, { token: userToken, body: { decision: 'approve' } });
    expect(first).toMatchObject({ status: 200, body: { status: 'partially_approved', you: { status: 'approved' }, canDecide: false } });
    const column = await call('GET', `/tickets?ids=${ticketId}`, { token: technician });
    expect(column.body.tickets).toEqual([
      {
        ticketId,
        number: created.body.ticket.number,
        subject: 'New laptop for Rita',
        approvalStatus: 'partially_approved',
        stageProgress: null,
      },
    ]);

    const second = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: contactToken,
      body: { decision: 'approve' },
    });
    expect(second.body.status).toBe('approved');

    const byStatus = await call('GET', '/tickets?approvalStatus=approved', { token: technician });
    expect(byStatus.body.tickets.map((t: { ticketId: string }) => t.ticketId)).toContain(ticketId);

    const activity = await call('GET', `/tickets/${ticketId}/activity`, { token: technician });
    const types = activity.body.activity.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('request_created');
    expect(types.filter((t: string) => t === 'mail_sent')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['feedback_given', 'response_recorded', 'status_changed']));
    // The receipt signer's entry (receipt_issued) follows the close whenever it has signed.
    const own = activity.body.activity.filter((e: { type: string }) => e.type !== 'receipt_issued');
    expect(own.at(-1)).toMatchObject({ type: 'status_changed', from: 'partially_approved', to: 'approved' });
    const times = activity.body.activity.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
  });

  it('declines at the first decline under "all", with the reason kept as feedback', async () => {
    const [a, b] = [await newApprover(technician), await newApprover(technician, 'contact')];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId, b.approverId]),
    });
    const reply = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: await b.token(),
      body: { decision: 'decline', feedback: 'Too expensive' },
    });
    expect(reply.body).toMatchObject({ status: 'declined', you: { status: 'declined', feedback: [{ body: 'Too expensive' }] } });
    const late = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: await a.token(),
      body: { decision: 'approve' },
    });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'request_closed' } } });
  });

  it('edits recipients: mails only newcomers, keeps responses, and cancels when emptied', async () => {
    const [a, b, c] = [await newApprover(technician), await newApprover(technician), await newApprover(technician, 'contact')];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId, b.approverId]),
    });
    await call('POST', `/portal/approvals/${created.body.id}/responses`, { token: await a.token(), body: { decision: 'approve' } });
    await waitForMails(b.email, 1);

    const edited = await call('PUT', `/tickets/${ticketId}/approval/recipients`, {
      token: technician,
      body: { recipients: [a.approverId, c.approverId] },
    });
    expect(edited.status).toBe(200);
    const statuses = Object.fromEntries(
      edited.body.recipients.map((r: { approverId: string; status: string }) => [r.approverId, r.status]),
    );
    expect(statuses).toEqual({ [a.approverId]: 'approved', [b.approverId]: 'removed', [c.approverId]: 'pending' });
    expect(await waitForMails(c.email, 1)).toHaveLength(1);
    expect(await mailsOnceIdle(a.email)).toHaveLength(1); // a was mailed once, at the start

    const removed = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: await b.token(),
      body: { decision: 'approve' },
    });
    expect(removed).toMatchObject({ status: 409, body: { error: { code: 'recipient_removed' } } });

    const emptied = await call('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body: { recipients: [] } });
    expect(emptied).toMatchObject({ status: 200, body: { status: 'canceled' } });
    expect((await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
    const column = await call('GET', `/tickets?ids=${ticketId}`, { token: technician });
    expect(column.body.tickets[0].approvalStatus).toBeNull();

    const again = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([b.approverId]) });
    expect(again.status).toBe(201);
  });

  it('resends the mail to one recipient as a reminder, and refuses once they answered', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([a.approverId]) });
    await waitForMails(a.email, 1);
    const reminded = await call('POST', `/tickets/${ticketId}/approval/recipients/${a.approverId}/reminders`, { token: technician });
    expect(reminded.status).toBe(202);
    const mails = await waitForMails(a.email, 2);
    expect(mails[1]?.subject).toMatch(/^Reminder: /);
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body.recipients[0]).toMatchObject({ reminders: 1, remindedAt: expect.any(String) });

    const requestId = tab.body.id;
    await call('POST', `/portal/approvals/${requestId}/responses`, { token: await a.token(), body: { decision: 'approve' } });
    const late = await call('POST', `/tickets/${ticketId}/approval/recipients/${a.approverId}/reminders`, { token: technician });
    expect(late.status).toBe(409);
  });

  it('refreshes the ticket snapshot that the portal shows', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([a.approverId]) });
    const snapshot = { number: '99', subject: 'Laptop, updated', requester: { name: 'Rita', email: 'rita@example.com' }, conversation: [] };
    const put = await call('PUT', `/tickets/${ticketId}`, { token: technician, body: snapshot });
    expect(put).toMatchObject({ status: 200, body: { ticketId, subject: 'Laptop, updated', approvalStatus: 'pending' } });
    const seen = await call('GET', `/portal/approvals/${created.body.id}`, { token: await a.token() });
    expect(seen.body.ticket.subject).toBe('Laptop, updated');
  });

  it('cancels the open request with DELETE, after which the tab is gone', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([a.approverId]) });
    expect((await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(204);
    expect((await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
    expect((await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { call, newApprover, technicianToken, ticketBody, unique } from '../support/api.js';

describe('a request that needs a reason with every decline', () => {
  let technician: string;
  beforeAll(async () => {
    technician = await technicianToken();
  });

  it('refuses a decline without feedback with 400 reason_required and records nothing; takes one with a reason', async () => {
    const [a, b] = [await newApprover(technician), await newApprover(technician, 'contact')];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId, b.approverId], { requireDeclineReason: true }),
    });
    expect(created).toMatchObject({ status: 201, body: { requireDeclineReason: true } });
    const responses = `/portal/approvals/${created.body.id}/responses`;

    const view = await call('GET', `/portal/approvals/${created.body.id}`, { token: await a.token() });
    expect(view.body).toMatchObject({ requireDeclineReason: true, canDecide: true });

    const bare = await call('POST', responses, { token: await a.token(), body: { decision: 'decline' } });
    expect(bare).toMatchObject({ status: 400, body: { error: { code: 'reason_required' } } });
    const unchanged = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(unchanged.body).toMatchObject({ status: 'pending', updatedAt: created.body.updatedAt });
    expect(unchanged.body.recipients.map((r: { status: string }) => r.status)).toEqual(['pending', 'pending']);

    const approved = await call('POST', responses, { token: await b.token(), body: { decision: 'approve' } });
    expect(approved).toMatchObject({ status: 200, body: { status: 'partially_approved' } });

    const reasoned = await call('POST', responses, { token: await a.token(), body: { decision: 'decline', feedback: 'Not this quarter' } });
    expect(reasoned).toMatchObject({
      status: 200,
      body: { status: 'declined', you: { status: 'declined', feedback: [{ body: 'Not this quarter' }] } },
    });
  });

  it('lets a request without the option be declined without a reason, and rejects a non-boolean option', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    const wrong = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId], { requireDeclineReason: 'yes' }),
    });
    expect(wrong.status).toBe(400);
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([a.approverId]) });
    expect(created.body.requireDeclineReason).toBe(false);
    const declined = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token: await a.token(),
      body: { decision: 'decline' },
    });
    expect(declined).toMatchObject({ status: 200, body: { status: 'declined' } });
  });
});

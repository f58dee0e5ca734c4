import { beforeAll, describe, expect, it } from 'vitest';
import { call, newApprover, type TestApprover, technicianToken, ticketBody, unique } from '../support/api.js';

async function approvers(technician: string, count: number): Promise<{ approver: TestApprover; token: string }[]> {
  const list: { approver: TestApprover; token: string }[] = [];
  for (let i = 0; i < count; i++) {
    const approver = await newApprover(technician, i % 2 ? 'contact' : 'user');
    list.push({ approver, token: await approver.token() });
  }
  return list;
}

describe('concurrent decisions on one request', () => {
  let technician: string;
  let crowd: { approver: TestApprover; token: string }[];
  beforeAll(async () => {
    technician = await technicianToken();
    crowd = await approvers(technician, 20);
  });

  async function decideAtOnce(policy: object) {
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(
        crowd.map((c) => c.approver.approverId),
        { policy },
      ),
    });
    expect(created.status).toBe(201);
    const replies = await Promise.all(
      crowd.map((c) => call('POST', `/portal/approvals/${created.body.id}/responses`, { token: c.token, body: { decision: 'approve' } })),
    );
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    const activity = await call('GET', `/tickets/${ticketId}/activity`, { token: technician });
    return { replies, tab: tab.body, activity: activity.body.activity as { type: string; approverId?: string; to?: string }[] };
  }

  it('under "any", 20 approvals at once end in one approval, the rest 409, never a 5xx', async () => {
    const { replies, tab, activity } = await decideAtOnce({ type: 'any' });
    expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(19).fill(409)]);
    expect(tab.status).toBe('approved');
    const approved = tab.recipients.filter((r: { status: string }) => r.status === 'approved');
    expect(approved).toHaveLength(1);
    const recorded = activity.filter((e) => e.type === 'response_recorded');
    expect(recorded.map((e) => e.approverId)).toEqual([approved[0].approverId]);
    expect(activity.filter((e) => e.type === 'status_changed').map((e) => e.to)).toEqual(['approved']);
  });

  it('under "all", 20 approvals at once are all recorded, and the request is approved once', async () => {
    const { replies, tab, activity } = await decideAtOnce({ type: 'all' });
    const statuses = replies.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const accepted = statuses.filter((s) => s === 200).length;
    const approved = tab.recipients.filter((r: { status: string }) => r.status === 'approved').length;
    expect(approved).toBe(accepted);
    expect(activity.filter((e) => e.type === 'response_recorded')).toHaveLength(accepted);
    expect(tab.status).toBe(accepted === 20 ? 'approved' : 'partially_approved');
    expect(accepted).toBe(20);
    expect(activity.filter((e) => e.type === 'status_changed').map((e) => e.to)).toEqual(['partially_approved', 'approved']);
  });
});

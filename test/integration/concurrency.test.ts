import { beforeAll, describe, expect, it } from 'vitest';
import { allActivity, call, newApprover, type TestApprover, technicianToken, ticketBody, unique } from '../support/api.js';

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
    crowd = await approvers(technician, 50);
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
    const path = `/portal/approvals/${created.body.id}/responses`;
    // A 409 concurrent_update (lost every race until its time ran short) is sent again, as the portal does.
    const replies = await Promise.all(
      crowd.map(async (c) => {
        let reply = await call('POST', path, { token: c.token, body: { decision: 'approve' } });
        for (let attempt = 0; reply.status === 409 && reply.body.code === 'concurrent_update' && attempt < 5; attempt++) {
          reply = await call('POST', path, { token: c.token, body: { decision: 'approve' } });
        }
        return reply;
      }),
    );
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    const activity = await allActivity<{ type: string; approverId?: string; to?: string }>(ticketId, technician);
    return { replies, tab: tab.body, activity };
  }

  it('under "any", 50 approvals at once end in one approval, the rest 409, never a 5xx', async () => {
    const { replies, tab, activity } = await decideAtOnce({ type: 'any' });
    expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(49).fill(409)]);
    expect(tab.status).toBe('approved');
    const approved = tab.recipients.filter((r: { status: string }) => r.status === 'approved');
    expect(approved).toHaveLength(1);
    const recorded = activity.filter((e) => e.type === 'response_recorded');
    expect(recorded.map((e) => e.approverId)).toEqual([approved[0].approverId]);
    expect(activity.filter((e) => e.type === 'status_changed').map((e) => e.to)).toEqual(['approved']);
  });

  it('under a quorum of 5, 50 approvals at once record exactly five, and approve the request once', async () => {
    const { replies, tab, activity } = await decideAtOnce({ type: 'quorum', count: 5 });
    // The other 45 find the request approved; none is a 5xx.
    expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
    for (const r of replies) expect([200, 409]).toContain(r.status);
    expect(tab.status).toBe('approved');
    const approved = tab.recipients
      .filter((r: { status: string }) => r.status === 'approved')
      .map((r: { approverId: string }) => r.approverId);
    expect(approved).toHaveLength(5);
    const recorded = activity.filter((e) => e.type === 'response_recorded').map((e) => e.approverId);
    expect(recorded.sort()).toEqual([...approved].sort());
    expect(activity.filter((e) => e.type === 'status_changed').map((e) => e.to)).toEqual(['partially_approved', 'approved']);
  });

  it('under "all", 50 approvals at once are all recorded, and the request is approved once', async () => {
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(
        crowd.map((c) => c.approver.approverId),
        { policy: { type: 'all' } },
      ),
    });
    expect(created.status).toBe(201);
    const path = `/portal/approvals/${created.body.id}/responses`;
    const first = await Promise.all(crowd.map((c) => call('POST', path, { token: c.token, body: { decision: 'approve' } })));
    // An answer that lost every race until its Lambda's time ran short gets 409 concurrent_update
    // ("retry"; how many do depends on the machine's speed), never a 5xx and never a lost answer:
    // each such approver sends it again, as the portal does, and it is recorded.
    for (const reply of first) expect(reply.status === 200 || (reply.status === 409 && reply.body.code === 'concurrent_update')).toBe(true);
    const again = await Promise.all(
      crowd.map(async (c, i) => {
        let reply = first[i]!;
        for (let attempt = 0; reply.status === 409 && attempt < 5; attempt++) {
          reply = await call('POST', path, { token: c.token, body: { decision: 'approve' } });
        }
        return reply.status;
      }),
    );
    expect(again).toEqual(Array(50).fill(200));
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    const activity = await allActivity<{ type: string; approverId?: string; to?: string }>(ticketId, technician);
    expect(tab.body.recipients.filter((r: { status: string }) => r.status === 'approved')).toHaveLength(50);
    expect(tab.body.status).toBe('approved');
    expect(activity.filter((e) => e.type === 'response_recorded')).toHaveLength(50);
    expect(activity.filter((e) => e.type === 'status_changed').map((e) => e.to)).toEqual(['partially_approved', 'approved']);
  });

  it('a technician editing recipients while approvers answer ends in one state the activity log tells', async () => {
    const group = crowd.slice(0, 12);
    // `silent` never answers, so the request stays open for the edit whatever the timing.
    const [removed, kept, silent, added] = [group.slice(0, 3), group.slice(3, 9), group.slice(9, 10), group.slice(10, 12)];
    const ticketId = unique('T');
    const initial = [...removed, ...kept, ...silent].map((c) => c.approver.approverId);
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(initial) });
    const answers = [...removed, ...kept].map((c) =>
      call('POST', `/portal/approvals/${created.body.id}/responses`, { token: c.token, body: { decision: 'approve' } }).then((r) => ({
        id: c.approver.approverId,
        status: r.status,
      })),
    );
    const edit = call('PUT', `/tickets/${ticketId}/approval/recipients`, {
      token: technician,
      body: { recipients: [...kept, ...silent, ...added].map((c) => c.approver.approverId) },
    });
    const [replies, edited] = await Promise.all([Promise.all(answers), edit]);
    expect(edited.status).toBe(200);
    for (const r of replies) expect([200, 409]).toContain(r.status);

    const tab = (await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).body;
    const activity = await allActivity<{
      type: string;
      approverId?: string;
      decision?: string;
      added?: { approverId: string }[];
      removed?: { approverId: string }[];
      to?: string;
    }>(ticketId, technician);
    // Replay the log from the start: it must arrive at exactly the final state.
    const replayed = new Map(initial.map((id) => [id, 'pending']));
    let status = 'pending';
    for (const e of activity) {
      if (e.type === 'response_recorded') replayed.set(e.approverId!, e.decision!);
      if (e.type === 'recipients_changed') {
        for (const r of e.removed ?? []) replayed.set(r.approverId, 'removed');
        for (const r of e.added ?? []) replayed.set(r.approverId, 'pending');
      }
      if (e.type === 'status_changed') status = e.to!;
    }
    const final = new Map(tab.recipients.map((r: { approverId: string; status: string }) => [r.approverId, r.status]));
    expect(Object.fromEntries(final)).toEqual(Object.fromEntries(replayed));
    expect(tab.status).toBe(status);
    // Every 200 is an answer in the log; every 409 came from someone removed first.
    const recorded = new Set(activity.filter((e) => e.type === 'response_recorded').map((e) => e.approverId));
    for (const r of replies) {
      if (r.status === 200) expect(recorded.has(r.id)).toBe(true);
      else expect(removed.map((c) => c.approver.approverId)).toContain(r.id);
    }
    for (const c of kept) expect(final.get(c.approver.approverId)).toBe('approved');
    for (const c of [...silent, ...added]) expect(final.get(c.approver.approverId)).toBe('pending');
    expect(tab.status).toBe('partially_approved');
  });
});

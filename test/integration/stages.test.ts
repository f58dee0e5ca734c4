import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allActivity,
  call,
  mailsOnceIdle,
  newApprover,
  type TestApprover,
  technicianToken,
  ticketBody,
  unique,
  waitForMails,
} from '../support/api.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

/** Sequential stages on the local stack: only the current stage is mailed, asked and shown. */
let technician: string;
beforeAll(async () => {
  technician = await technicianToken();
});

/** A staged request body: `recipients` gives way to `stages`. */
function stagedBody(stages: { name?: string; recipients: string[]; policy?: unknown }[], extra: Record<string, unknown> = {}) {
  const { recipients: _, ...body } = ticketBody([], extra);
  return { ...body, stages };
}

const tab = (ticketId: string) => call('GET', `/tickets/${ticketId}/approval`, { token: technician });
const respond = async (approver: TestApprover, requestId: string, body: unknown) =>
  call('POST', `/portal/approvals/${requestId}/responses`, { token: await approver.token(), body });
const listed = async (approver: TestApprover) =>
  ((await call('GET', '/portal/approvals', { token: await approver.token() })).body.approvals as { requestId: string }[]).map(
    (a) => a.requestId,
  );

describe('a request in two stages', () => {
  it('mails stage 1 only; its approval starts and mails stage 2 (partially approved, "Stage 1 of 2 approved"); a decline there declines', async () => {
    const [a, b, c] = [await newApprover(technician), await newApprover(technician), await newApprover(technician, 'contact')];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: stagedBody([
        { name: 'Manager', recipients: [a.approverId, b.approverId], policy: { type: 'any' } },
        { name: 'Finance', recipients: [c.approverId] },
      ]),
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        status: 'pending',
        currentStage: 1,
        stageProgress: { current: 1, total: 2, approved: 0, label: 'Stage 1 of 2 pending' },
        stages: [
          { index: 1, name: 'Manager', status: 'pending', policy: { type: 'any' }, recipients: [a.approverId, b.approverId] },
          { index: 2, name: 'Finance', status: 'not_started', policy: { type: 'all' }, recipients: [c.approverId] },
        ],
      },
    });
    expect(created.body.recipients.map((r: { approverId: string; stage: number }) => [r.approverId, r.stage])).toEqual([
      [a.approverId, 1],
      [b.approverId, 1],
      [c.approverId, 2],
    ]);
    const requestId = created.body.id as string;
    await waitForMails(a.email, 1);
    expect(await mailsOnceIdle(c.email)).toHaveLength(0);
    // Stage 2 does not see the request yet: not listed, not found, cannot answer.
    expect(await listed(c)).not.toContain(requestId);
    expect((await call('GET', `/portal/approvals/${requestId}`, { token: await c.token() })).status).toBe(404);
    expect((await respond(c, requestId, { decision: 'approve' })).status).toBe(404);
    expect(
      (await call('POST', `/tickets/${ticketId}/approval/recipients/${c.approverId}/reminders`, { token: technician })).body.error.code,
    ).toBe('stage_not_started');

    expect((await respond(a, requestId, { decision: 'approve' })).status).toBe(200);
    const second = await tab(ticketId);
    expect(second.body).toMatchObject({
      status: 'partially_approved',
      currentStage: 2,
      stageProgress: { current: 2, total: 2, approved: 1, label: 'Stage 1 of 2 approved' },
      stages: [{ status: 'approved' }, { status: 'pending' }],
    });
    await waitForMails(c.email, 1);
    expect(await listed(c)).toContain(requestId);
    const portal = await call('GET', `/portal/approvals/${requestId}`, { token: await c.token() });
    expect(portal.body).toMatchObject({
      canDecide: true,
      stage: { index: 2, name: 'Finance', total: 2 },
      stageProgress: { label: 'Stage 1 of 2 approved' },
    });
    // Stage 1 is closed: b's late decision no longer counts.
    expect((await respond(b, requestId, { decision: 'decline' })).body.error.code).toBe('stage_closed');
    const column = await call('GET', `/tickets?ids=${ticketId}`, { token: technician });
    expect(column.body.tickets[0]).toMatchObject({
      approvalStatus: 'partially_approved',
      stageProgress: { label: 'Stage 1 of 2 approved' },
    });

    expect((await respond(c, requestId, { decision: 'decline', feedback: 'Over budget.' })).status).toBe(200);
    expect((await tab(ticketId)).body).toMatchObject({
      status: 'declined',
      stages: [{ status: 'approved' }, { status: 'declined' }],
      stageProgress: { label: 'Stage 2 of 2 declined' },
    });
    const log = await allActivity<{ type: string; stage?: number }>(ticketId, technician);
    expect(log.filter((e) => e.type === 'stage_started')).toEqual([expect.objectContaining({ stage: 2, recipients: [c.approverId] })]);
  });

  it('approves when the last stage approves', async () => {
    const [a, c] = [await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: stagedBody([{ recipients: [a.approverId] }, { recipients: [c.approverId] }]),
    });
    await respond(a, created.body.id, { decision: 'approve' });
    await respond(c, created.body.id, { decision: 'approve' });
    expect((await tab(ticketId)).body).toMatchObject({ status: 'approved', stageProgress: { label: 'Stage 2 of 2 approved' } });
  });

  it('edits stage 2 while stage 1 is open without mail until it starts; a closed stage cannot be edited', async () => {
    const [a, c, d, e] = [
      await newApprover(technician),
      await newApprover(technician),
      await newApprover(technician),
      await newApprover(technician),
    ];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: stagedBody([{ recipients: [a.approverId] }, { recipients: [c.approverId] }]),
    });
    const edited = await call('PUT', `/tickets/${ticketId}/approval/stages/2/recipients`, {
      token: technician,
      body: { recipients: [c.approverId, d.approverId] },
    });
    expect(edited).toMatchObject({
      status: 200,
      body: { stages: [{}, { recipients: [c.approverId, d.approverId], status: 'not_started' }] },
    });
    expect(await mailsOnceIdle(d.email)).toHaveLength(0);
    // Editing the current stage mails the newcomer only.
    await call('PUT', `/tickets/${ticketId}/approval/stages/1/recipients`, {
      token: technician,
      body: { recipients: [a.approverId, e.approverId] },
    });
    await waitForMails(e.email, 1);
    expect(await mailsOnceIdle(a.email)).toHaveLength(1);
    // One approver, one stage; stage 3 does not exist; the whole-list edit is for requests without stages.
    const twice = await call('PUT', `/tickets/${ticketId}/approval/stages/2/recipients`, {
      token: technician,
      body: { recipients: [a.approverId] },
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'approver_in_other_stage' } } });
    expect(
      (await call('PUT', `/tickets/${ticketId}/approval/stages/3/recipients`, { token: technician, body: { recipients: [d.approverId] } }))
        .status,
    ).toBe(404);
    expect(
      (await call('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body: { recipients: [d.approverId] } })).body
        .error.code,
    ).toBe('staged_request');

    await respond(a, created.body.id, { decision: 'approve' });
    await respond(e, created.body.id, { decision: 'approve' });
    await waitForMails(c.email, 1);
    await waitForMails(d.email, 1);
    const closed = await call('PUT', `/tickets/${ticketId}/approval/stages/1/recipients`, {
      token: technician,
      body: { recipients: [a.approverId] },
    });
    expect(closed).toMatchObject({ status: 409, body: { error: { code: 'stage_closed' } } });
  });

  it('refuses bad stage bodies with 400 and writes nothing', async () => {
    const [a, b] = [await newApprover(technician), await newApprover(technician)];
    const bodies = [
      { ...stagedBody([{ recipients: [a.approverId] }, { recipients: [b.approverId] }]), recipients: [a.approverId] },
      stagedBody([{ recipients: [a.approverId] }]),
      stagedBody([{ recipients: [a.approverId] }, { recipients: [a.approverId] }]),
      { ...stagedBody([{ recipients: [a.approverId] }, { recipients: [b.approverId] }]), policy: { type: 'any' } },
    ];
    for (const body of bodies) {
      const ticketId = unique('T');
      expect((await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body })).status).toBe(400);
      expect((await tab(ticketId)).status).toBe(404);
    }
  });
});

describe('deadline events', () => {
  const receivers: Receiver[] = [];
  const endpoints: string[] = [];
  afterAll(async () => {
    for (const id of endpoints) await call('DELETE', `/webhooks/${id}`, { token: technician });
    for (const r of receivers) await r.close();
  });

  it('sends approval.expired and approval.escalated when a deadline escalates the current stage', async () => {
    const inbox = await startReceiver();
    receivers.push(inbox);
    const hook = await call('POST', '/webhooks', {
      token: technician,
      body: { url: inbox.url, events: ['approval.expired', 'approval.escalated'] },
    });
    expect(hook.status).toBe(201);
    endpoints.push(hook.body.id);
    const [a, c, boss] = [await newApprover(technician), await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: stagedBody([{ recipients: [a.approverId] }, { recipients: [c.approverId] }], {
        deadline: { at: new Date(Date.now() + 3000).toISOString(), outcome: 'escalate', escalateTo: [boss.approverId] },
      }),
    });
    expect(created.status).toBe(201);
    const got = await inbox.waitFor((all) => all.filter((r) => r.event.data.ticketId === ticketId).length >= 2);
    const events = got.filter((r) => r.event.data.ticketId === ticketId).map((r) => r.event);
    expect(events.map((e) => e.type)).toEqual(['approval.expired', 'approval.escalated']);
    expect(events[1]!.data).toMatchObject({ expired: [{ approverId: a.approverId }], added: [{ approverId: boss.approverId }] });
    const after = await tab(ticketId);
    expect(
      after.body.recipients.map((r: { approverId: string; status: string; stage: number }) => [r.approverId, r.status, r.stage]),
    ).toEqual([
      [a.approverId, 'expired', 1],
      [boss.approverId, 'pending', 1],
      [c.approverId, 'pending', 2],
    ]);
    await waitForMails(boss.email, 1);
    expect(await mailsOnceIdle(c.email)).toHaveLength(0);
  });
});

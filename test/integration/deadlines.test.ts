import { beforeAll, describe, expect, it } from 'vitest';
import { call, mailsOnceIdle, newApprover, type TestApprover, technicianToken, ticketBody, unique, waitForMails } from '../support/api.js';

/** Seconds from now, as the API takes a deadline. */
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** Polls until `read` gives something `done` accepts: the local sweeper acts every second. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('deadlines, acted on by the due-work job', () => {
  let technician: string;
  beforeAll(async () => {
    technician = await technicianToken();
  });

  const tab = (ticketId: string) => call('GET', `/tickets/${ticketId}/approval`, { token: technician });
  const activity = async (ticketId: string) =>
    (await call('GET', `/tickets/${ticketId}/activity`, { token: technician })).body.activity as { type: string; [k: string]: unknown }[];
  /** The approver's answer to the request, given in the portal. */
  const answer = async (approver: TestApprover, requestId: string, decision: 'approve' | 'decline') =>
    call('POST', `/portal/approvals/${requestId}/responses`, { token: await approver.token(), body: { decision } });
  const putDeadline = (ticketId: string, deadline: unknown) =>
    call('PUT', `/tickets/${ticketId}/approval/deadline`, { token: technician, body: deadline });
  /** The ticket's approval once it is as `done` wants it (or as it is after the time limit). */
  const tabOnce = (ticketId: string, done: (reply: Awaited<ReturnType<typeof tab>>) => boolean) => eventually(() => tab(ticketId), done);
  /**
   * `first` approves (the request stays open) while the deadline is still far, so that the answer
   * surely comes before it; then the deadline is brought to three seconds from now.
   */
  async function approveThenBringDeadlineNear(first: TestApprover, requestId: string, ticketId: string, deadline: object) {
    expect(await answer(first, requestId, 'approve')).toMatchObject({ status: 200, body: { status: 'partially_approved' } });
    expect((await putDeadline(ticketId, { at: inSeconds(3), ...deadline })).status).toBe(200);
  }

  it('declines a request still open at its deadline, says so on the request, in the activity log and the portal', async () => {
    const [a, b] = [await newApprover(technician), await newApprover(technician, 'contact')];
    const ticketId = unique('T');
    const deadline = { at: inSeconds(3600), outcome: 'decline' };
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId, b.approverId], { deadline }),
    });
    expect(created).toMatchObject({ status: 201, body: { deadline: { at: deadline.at, outcome: 'decline' }, closedReason: null } });
    const [mail] = await waitForMails(a.email, 1);
    expect(mail?.body.text).toContain('Answer by:');
    expect(mail?.body.text).toContain('the request is declined if it is still open then');
    await approveThenBringDeadlineNear(a, created.body.id, ticketId, { outcome: 'decline' });

    const closed = await tabOnce(ticketId, (r) => r.body.status === 'declined');
    expect(closed.body).toMatchObject({ status: 'declined', closedReason: 'deadline', deadlinePassedAt: expect.any(String) });
    // The receipt signer's entry (receipt_issued) follows the close whenever it has signed.
    const log = (await activity(ticketId)).filter((e) => e.type !== 'receipt_issued');
    expect(log.filter((e) => e.type === 'deadline_passed')).toHaveLength(1);
    expect(log.at(-1)).toMatchObject({
      type: 'status_changed',
      from: 'partially_approved',
      to: 'declined',
      actor: { kind: 'system', id: 'deadlines' },
    });

    const late = await answer(b, created.body.id, 'approve');
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'request_closed' } } });
    const view = await call('GET', `/portal/approvals/${created.body.id}`, { token: await b.token() });
    expect(view.body).toMatchObject({ status: 'declined', closedReason: 'deadline', deadline: { outcome: 'decline' }, canDecide: false });
  });

  it('cancels a request still open at a deadline with the outcome cancel: the tab answers 404, the column is empty', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId], { deadline: { at: inSeconds(3), outcome: 'cancel' } }),
    });
    expect(created.status).toBe(201);
    const gone = await tabOnce(ticketId, (r) => r.status === 404);
    expect(gone.status).toBe(404);
    const column = await call('GET', `/tickets?ids=${ticketId}`, { token: technician });
    expect(column.body.tickets[0].approvalStatus).toBeNull();
    expect((await activity(ticketId)).map((e) => e.type)).toEqual(expect.arrayContaining(['deadline_passed', 'status_changed']));
    const view = await call('GET', `/portal/approvals/${created.body.id}`, { token: await a.token() });
    expect(view.body).toMatchObject({ status: 'canceled', closedReason: 'deadline' });
  });

  it('escalates: the pending recipient expires, the escalation is mailed once and decides', async () => {
    const [a, b, boss] = [await newApprover(technician), await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId, b.approverId], {
        deadline: { at: inSeconds(3600), outcome: 'escalate', escalateTo: [boss.approverId] },
      }),
    });
    expect(created.status).toBe(201);
    await approveThenBringDeadlineNear(a, created.body.id, ticketId, { outcome: 'escalate', escalateTo: [boss.approverId] });

    const escalated = await tabOnce(ticketId, (r) => r.body.recipients.length === 3);
    expect(escalated.body).toMatchObject({ status: 'partially_approved', closedReason: null, deadlinePassedAt: expect.any(String) });
    // Recipients added at the same time are listed by name: compare as a set.
    expect(escalated.body.recipients.map((r: { approverId: string; status: string }) => [r.approverId, r.status])).toEqual(
      expect.arrayContaining([
        [a.approverId, 'approved'],
        [b.approverId, 'expired'],
        [boss.approverId, 'pending'],
      ]),
    );
    expect(escalated.body.recipients).toHaveLength(3);
    const [mail] = await waitForMails(boss.email, 1);
    expect(mail?.body.text).toContain('Escalated:');
    const log = await activity(ticketId);
    expect(log.filter((e) => e.type === 'escalated')).toEqual([
      expect.objectContaining({
        expired: [{ approverId: b.approverId, name: b.name }],
        added: [{ approverId: boss.approverId, name: boss.name }],
      }),
    ]);

    const expired = await answer(b, created.body.id, 'approve');
    expect(expired).toMatchObject({ status: 409, body: { error: { code: 'recipient_expired' } } });
    const decided = await answer(boss, created.body.id, 'approve');
    expect(decided).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect(await mailsOnceIdle(boss.email)).toHaveLength(1); // mailed once, at the escalation
  });

  it('changes the deadline of an open request with PUT …/deadline, validates it, and refuses it once closed', async () => {
    const [a, boss] = [await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const put = (body: unknown) => putDeadline(ticketId, body);
    expect((await put({ at: inSeconds(3600), outcome: 'decline' })).status).toBe(404);
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([a.approverId]) });
    const before = await tab(ticketId);

    const refusals: [unknown, number, string][] = [
      [{ at: inSeconds(-60), outcome: 'decline' }, 422, 'deadline_not_in_future'],
      [{ at: inSeconds(3600), outcome: 'escalate' }, 422, 'escalate_to_required'],
      [{ at: inSeconds(3600), outcome: 'cancel', escalateTo: [boss.approverId] }, 422, 'escalate_to_not_allowed'],
      [{ at: inSeconds(3600), outcome: 'escalate', escalateTo: ['nobody-listed'] }, 422, 'unknown_approvers'],
      [{ at: inSeconds(3600), outcome: 'later' }, 400, 'invalid_request'],
      [{ at: 'tomorrow', outcome: 'decline' }, 400, 'invalid_request'],
      [{ outcome: 'decline' }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of refusals) {
      expect(await put(body), JSON.stringify(body)).toMatchObject({ status, body: { error: { code } } });
    }
    expect((await tab(ticketId)).body).toMatchObject({ updatedAt: before.body.updatedAt, deadline: null });
    expect((await activity(ticketId)).map((e) => e.type)).not.toContain('deadline_changed');

    const at = inSeconds(7200);
    const set = await put({ at, outcome: 'escalate', escalateTo: [boss.approverId] });
    expect(set).toMatchObject({ status: 200, body: { deadline: { at, outcome: 'escalate', escalateTo: [boss.approverId] } } });
    const removed = await put(null);
    expect(removed).toMatchObject({ status: 200, body: { deadline: null } });
    const log = await activity(ticketId);
    expect(log.filter((e) => e.type === 'deadline_changed').map((e) => e.deadline)).toEqual([
      { at, outcome: 'escalate', escalateTo: [boss.approverId] },
      null,
    ]);

    await answer(a, before.body.id, 'decline');
    expect(await put({ at: inSeconds(3600), outcome: 'decline' })).toMatchObject({
      status: 409,
      body: { error: { code: 'request_closed' } },
    });
  });

  it('refuses a deadline on create that is past, or escalates to someone not listed, and writes nothing', async () => {
    const a = await newApprover(technician);
    const ticketId = unique('T');
    const past = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId], { deadline: { at: inSeconds(-5), outcome: 'decline' } }),
    });
    expect(past).toMatchObject({ status: 422, body: { error: { code: 'deadline_not_in_future' } } });
    const stranger = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([a.approverId], { deadline: { at: inSeconds(60), outcome: 'escalate', escalateTo: ['nobody-listed'] } }),
    });
    expect(stranger).toMatchObject({
      status: 422,
      body: { error: { code: 'unknown_approvers', details: { approverIds: ['nobody-listed'] } } },
    });
    expect((await tab(ticketId)).status).toBe(404);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { call, mailsOnceIdle, type TestApprover, technicianAndApprover, ticketBody, unique, waitForMails } from '../support/api.js';

describe('Idempotency-Key', () => {
  let technician: string;
  let approver: TestApprover;
  beforeAll(async () => {
    ({ technician, approver } = await technicianAndApprover());
  });

  it('replays the first response to a repeated create, and mails nothing more', async () => {
    const ticketId = unique('T');
    const key = unique('key');
    const body = ticketBody([approver.approverId]);
    const before = (await mailsOnceIdle(approver.email)).length;
    const first = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body, headers: { 'idempotency-key': key } });
    const again = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await waitForMails(approver.email, before + 1);
    // Once the mailer has handled every outbox entry written so far, a second mail would be here.
    expect(await mailsOnceIdle(approver.email)).toHaveLength(before + 1);
    const activity = await call('GET', `/tickets/${ticketId}/activity`, { token: technician });
    expect(activity.body.activity.filter((e: { type: string }) => e.type === 'request_created')).toHaveLength(1);
  });

  it('refuses the same key with another body with 422', async () => {
    const key = unique('key');
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([approver.approverId]),
      headers: { 'idempotency-key': key },
    });
    const other = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([approver.approverId], { message: 'other' }),
      headers: { 'idempotency-key': key },
    });
    expect(other).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
  });

  it('replays a portal decision instead of answering 409 to a double click', async () => {
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    const token = await approver.token();
    const key = unique('click');
    const replies = await Promise.all(
      [0, 1].map(() =>
        call('POST', `/portal/approvals/${created.body.id}/responses`, {
          token,
          body: { decision: 'approve' },
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    // Both at the same instant: one runs, the other is told it is in progress (409) or replayed (200).
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const replay = await call('POST', `/portal/approvals/${created.body.id}/responses`, {
      token,
      body: { decision: 'approve' },
      headers: { 'idempotency-key': key },
    });
    expect(replay).toMatchObject({ status: 200, body: { status: 'approved' } });
  });

  it('does not keep a refused request: a retry with the same key runs once the cause is fixed', async () => {
    const ticketId = unique('T');
    const key = unique('key');
    const refused = await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician, headers: { 'idempotency-key': key } });
    expect(refused.status).toBe(404);
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    expect((await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician, headers: { 'idempotency-key': key } })).status).toBe(
      204,
    );
  });

  it('refuses a key longer than 255 characters', async () => {
    const reply = await call('POST', `/tickets/${unique('T')}/approval`, {
      token: technician,
      body: ticketBody([approver.approverId]),
      headers: { 'idempotency-key': 'x'.repeat(256) },
    });
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'invalid_idempotency_key' } } });
  });
});

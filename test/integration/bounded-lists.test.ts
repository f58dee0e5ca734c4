import { beforeAll, describe, expect, it } from 'vitest';
import { GROWTH_LIMITS } from '../../functions/domain/limits.js';
import { allActivity, call, newApprover, type TestApprover, technicianToken, ticketBody, unique } from '../support/api.js';

/**
 * Every list inside an item filled to its cap (functions/domain/limits.ts, docs/scale.md): the
 * routes keep answering 2xx, one more is a clear 422 that writes nothing, and a reply far past
 * DynamoDB's 400 KB item limit is still replayed for its Idempotency-Key without a second write.
 */
const FEEDBACK = '€'.repeat(4000); // 12 KB of UTF-8: the longest feedback, in its widest form
const APPROVERS = GROWTH_LIMITS.feedbackPerRequest / GROWTH_LIMITS.feedbackPerRecipient;

describe('lists inside an item, filled to their caps', () => {
  let technician: string;
  let approvers: (TestApprover & { bearer: string })[];
  let late: TestApprover & { bearer: string };
  let ticketId: string;
  let requestId: string;

  beforeAll(async () => {
    technician = await technicianToken();
    const listed = await Promise.all(Array.from({ length: APPROVERS + 1 }, () => newApprover(technician)));
    const signedIn = await Promise.all(listed.map(async (a) => ({ ...a, bearer: await a.token() })));
    late = signedIn.pop()!;
    approvers = signedIn;
    ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(approvers.map((a) => a.approverId)),
    });
    expect(created.status).toBe(201);
    requestId = created.body.id;
    // Every recipient posts feedback up to their cap, one post after another: a crowd posting
    // on one request at once is the contention of issue 12 point 8, not what this file tests.
    for (const a of approvers) {
      for (let i = 0; i < GROWTH_LIMITS.feedbackPerRecipient; i++) {
        const reply = await call('POST', `/portal/approvals/${requestId}/responses`, { token: a.bearer, body: { feedback: FEEDBACK } });
        if (reply.status !== 200) throw new Error(`feedback ${i}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      }
    }
  }, 300_000);

  it('shows the full request on the Approvals tab, well under the 6 MB a Lambda may answer', async () => {
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.status).toBe(200);
    const feedback = tab.body.recipients.flatMap((r: { feedback: unknown[] }) => r.feedback);
    expect(feedback).toHaveLength(GROWTH_LIMITS.feedbackPerRequest);
    expect(Buffer.byteLength(JSON.stringify(tab.body))).toBeLessThan(2.5 * 1024 * 1024);
  });

  it('refuses feedback past a recipient’s cap with 422, and records nothing', async () => {
    const reply = await call('POST', `/portal/approvals/${requestId}/responses`, {
      token: approvers[0]!.bearer,
      body: { decision: 'approve', feedback: 'one more' },
    });
    expect(reply).toMatchObject({ status: 422, body: { error: { code: 'feedback_limit' } } });
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body.recipients[0]).toMatchObject({ status: 'pending' });
  });

  it('replays a reply larger than an item for its Idempotency-Key, and writes nothing more', async () => {
    const body = { recipients: [...approvers.map((a) => a.approverId), late.approverId] };
    const headers = { 'idempotency-key': unique('grow') };
    const first = await call('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body, headers });
    expect(first.status).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeGreaterThan(1024 * 1024);
    const again = await call('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const activity = await allActivity(ticketId, technician);
    expect(activity.filter((e) => e.type === 'recipients_changed')).toHaveLength(1);
  });

  it('refuses feedback past the request’s cap with 422, even from a recipient who gave none', async () => {
    const reply = await call('POST', `/portal/approvals/${requestId}/responses`, { token: late.bearer, body: { feedback: 'me too' } });
    expect(reply).toMatchObject({ status: 422, body: { error: { code: 'feedback_limit' } } });
    const decided = await call('POST', `/portal/approvals/${requestId}/responses`, { token: late.bearer, body: { decision: 'approve' } });
    expect(decided.status).toBe(200);
  });
});

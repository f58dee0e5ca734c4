import { describe, expect, it } from 'vitest';
import { respond } from '../../functions/domain/approval-request.js';
import { passDeadline } from '../../functions/domain/deadline.js';
import { eventsOfChange } from '../../functions/domain/webhook-events.js';
import { afterAttempt, newDelivery } from '../../functions/domain/webhooks.js';
import { approver, NOW, newRequest, newRequestChange, technician } from './fixtures.js';

describe('webhook events of a change', () => {
  const created = newRequestChange(['a1', 'a2'], { policy: { type: 'any' } });

  it('tells of a new request, with its recipients', () => {
    expect(eventsOfChange(created)).toEqual([
      {
        type: 'approval.requested',
        timestamp: NOW,
        data: expect.objectContaining({ ticketId: 'T1', requestId: 'R1', status: 'pending', previousStatus: null, actor: technician }),
      },
    ]);
  });

  it('tells of feedback, the response and the status it settled, in that order', () => {
    const change = respond({
      request: created.after,
      approverId: 'a1',
      decision: 'approve',
      feedback: 'ok',
      actor: { kind: 'approver', id: 'a1' },
      now: NOW,
    });
    const events = eventsOfChange(change);
    expect(events.map((e) => e.type)).toEqual(['approval.feedback', 'approval.responded', 'approval.approved']);
    expect(events[1]!.data).toMatchObject({
      decision: 'approved',
      status: 'approved',
      previousStatus: 'pending',
      recipient: { approverId: 'a1', status: 'approved' },
    });
  });
});

describe('webhook events of a deadline', () => {
  const at = '2026-11-25T12:00:00.000Z';
  const withDeadline = (outcome: 'decline' | 'escalate') =>
    newRequest(['a1'], { deadline: outcome === 'escalate' ? { at, outcome, escalateTo: ['boss'] } : { at, outcome } });
  const system = { kind: 'system', id: 'deadlines' } as const;

  it('tells that the deadline passed (approval.expired), then the outcome', () => {
    const change = passDeadline({ request: withDeadline('decline'), escalateTo: [], actor: system, now: at });
    expect(eventsOfChange(change).map((e) => e.type)).toEqual(['approval.expired', 'approval.declined']);
  });

  it('tells whom an escalation expired and asked (approval.escalated)', () => {
    const change = passDeadline({ request: withDeadline('escalate'), escalateTo: [approver('boss')], actor: system, now: at });
    const events = eventsOfChange(change);
    expect(events.map((e) => e.type)).toEqual(['approval.expired', 'approval.escalated']);
    expect(events[1]!.data).toMatchObject({ expired: [{ approverId: 'a1' }], added: [{ approverId: 'boss' }] });
  });
});

describe('delivery attempts', () => {
  const schedule = [5, 300];
  const at = new Date('2026-12-01T10:00:00Z');

  it('retries after the next delay of the schedule, then gives up', () => {
    const first = afterAttempt(
      newDelivery('d', 'evt_1', 'approval.approved'),
      { ok: false, status: 500, error: 'answered 500' },
      at,
      schedule,
    );
    expect(first).toMatchObject({ status: 'retrying', attempts: 1, nextAttemptAt: '2026-12-01T10:00:05.000Z', lastResponseStatus: 500 });
    const second = afterAttempt(first, { ok: false, status: null, error: 'no answer' }, at, schedule);
    expect(second).toMatchObject({ status: 'retrying', attempts: 2, nextAttemptAt: '2026-12-01T10:05:00.000Z' });
    const third = afterAttempt(second, { ok: false, status: 502, error: 'answered 502' }, at, schedule);
    expect(third).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    expect(third.attemptLog.map((a) => a.responseStatus)).toEqual([500, null, 502]);
  });

  it('is delivered on a 2xx', () => {
    expect(afterAttempt(newDelivery('d', 'evt_1', 'webhook.test'), { ok: true, status: 204, error: null }, at, schedule)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
    });
  });
});

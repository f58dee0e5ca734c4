import { describe, expect, it } from 'vitest';
import { remindDue, respond } from '../../functions/domain/approval-request.js';
import { changeDeadline, nextDueAt, passDeadline } from '../../functions/domain/deadline.js';
import { ConflictError, UnprocessableError } from '../../functions/domain/errors.js';
import type { ApprovalRequest, Deadline, Policy } from '../../functions/domain/types.js';
import { approver, NOW, newRequest, technician } from './fixtures.js';

const at = (hours: number) => new Date(new Date(NOW).getTime() + hours * 3600_000).toISOString();
const system = { kind: 'system', id: 'deadlines' } as const;

function created(deadline: Deadline, options: { ids?: string[]; policy?: Policy; remindEveryHours?: number } = {}): ApprovalRequest {
  return newRequest(options.ids ?? ['a', 'b'], {
    deadline,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.remindEveryHours ? { remindEveryHours: options.remindEveryHours } : {}),
  });
}

const answer = (request: ApprovalRequest, approverId: string, decision: 'approve' | 'decline', hours = 1) =>
  respond({ request, approverId, decision, actor: { kind: 'approver', id: approverId }, now: at(hours) }).after;

describe('a deadline on create', () => {
  it('is kept in UTC and makes the request due at that time', () => {
    const request = created({ at: '2026-11-25T13:00:00+01:00', outcome: 'decline' });
    expect(request.deadline).toEqual({ at: at(2), outcome: 'decline' });
    expect(nextDueAt(request)).toBe(at(2));
  });

  it('refuses a time that is not in the future, and escalateTo with any outcome but escalate, or escalate without it', () => {
    const codeOf = (deadline: Deadline) => {
      try {
        created(deadline);
      } catch (error) {
        expect(error).toBeInstanceOf(UnprocessableError);
        return (error as UnprocessableError).code;
      }
      return 'accepted';
    };
    expect(codeOf({ at: NOW, outcome: 'decline' })).toBe('deadline_not_in_future');
    expect(codeOf({ at: at(-1), outcome: 'cancel' })).toBe('deadline_not_in_future');
    expect(codeOf({ at: at(1), outcome: 'escalate' })).toBe('escalate_to_required');
    expect(codeOf({ at: at(1), outcome: 'escalate', escalateTo: [] })).toBe('escalate_to_required');
    expect(codeOf({ at: at(1), outcome: 'decline', escalateTo: ['c'] })).toBe('escalate_to_not_allowed');
    expect(codeOf({ at: at(1), outcome: 'escalate', escalateTo: ['c'] })).toBe('accepted');
  });

  it('schedules a last reminder an hour before the deadline when the next one would come after it', () => {
    expect(created({ at: at(10), outcome: 'decline' }, { remindEveryHours: 24 }).nextReminderAt).toBe(at(9));
    expect(created({ at: at(10), outcome: 'decline' }, { remindEveryHours: 4 }).nextReminderAt).toBe(at(4));
  });
});

describe('passDeadline', () => {
  it('does nothing before the deadline', () => {
    const request = created({ at: at(2), outcome: 'decline' });
    const change = passDeadline({ request, escalateTo: [], actor: system, now: at(1) });
    expect(change.after).toBe(request);
  });

  it('declines an open request at the deadline, once, and says why', () => {
    const request = answer(created({ at: at(2), outcome: 'decline' }), 'a', 'approve');
    const change = passDeadline({ request, escalateTo: [], actor: system, now: at(2) });
    expect(change.after).toMatchObject({ status: 'declined', closedReason: 'deadline', closedAt: at(2), nextReminderAt: null });
    expect(change.events.map((e) => e.type)).toEqual(['deadline_passed', 'status_changed']);
    expect(nextDueAt(change.after)).toBeNull();
    expect(passDeadline({ request: change.after, escalateTo: [], actor: system, now: at(3) }).after).toBe(change.after);
  });

  it('cancels when the outcome is cancel', () => {
    const change = passDeadline({ request: created({ at: at(2), outcome: 'cancel' }), escalateTo: [], actor: system, now: at(2) });
    expect(change.after).toMatchObject({ status: 'canceled', closedReason: 'deadline' });
  });

  it('leaves a request decided before the deadline as it was', () => {
    const approved = answer(answer(created({ at: at(2), outcome: 'decline' }), 'a', 'approve'), 'b', 'approve');
    expect(approved.status).toBe('approved');
    expect(passDeadline({ request: approved, escalateTo: [], actor: system, now: at(3) }).after).toBe(approved);
  });

  it('escalates: the pending expire, the escalation is asked and mailed once, answers given stay, no second deadline', () => {
    const request = answer(created({ at: at(2), outcome: 'escalate', escalateTo: ['c'] }), 'a', 'approve');
    const change = passDeadline({ request, escalateTo: [approver('c')], actor: system, now: at(2) });
    expect(change.after.recipients.map((r) => [r.approverId, r.status])).toEqual([
      ['a', 'approved'],
      ['b', 'expired'],
      ['c', 'pending'],
    ]);
    expect(change.after).toMatchObject({ status: 'partially_approved', closedReason: null, deadlinePassedAt: at(2) });
    expect(change.mails).toEqual([{ kind: 'request', approverId: 'c' }]);
    expect(change.events).toMatchObject([
      { type: 'deadline_passed' },
      { type: 'escalated', expired: [{ approverId: 'b' }], added: [{ approverId: 'c' }] },
    ]);
    expect(nextDueAt(change.after)).toBeNull();
    expect(passDeadline({ request: change.after, escalateTo: [approver('c')], actor: system, now: at(5) }).after).toBe(change.after);
    const done = answer(change.after, 'c', 'approve', 3);
    expect(done.status).toBe('approved');
  });

  it('declines an escalation that finds nobody still listed', () => {
    const request = created({ at: at(2), outcome: 'escalate', escalateTo: ['c'] });
    const change = passDeadline({ request, escalateTo: [], actor: system, now: at(2) });
    expect(change.after).toMatchObject({ status: 'declined', closedReason: 'deadline' });
  });

  it('refuses answers once the deadline has passed, before and after it acted', () => {
    const request = created({ at: at(2), outcome: 'escalate', escalateTo: ['c'] });
    expect(() => answer(request, 'a', 'approve', 2)).toThrow(expect.objectContaining({ code: 'deadline_passed' }));
    const escalated = passDeadline({ request, escalateTo: [approver('c')], actor: system, now: at(2) }).after;
    expect(() => answer(escalated, 'a', 'approve', 3)).toThrow(expect.objectContaining({ code: 'recipient_expired' }));
  });
});

describe('changeDeadline', () => {
  it('sets, replaces and removes the deadline of an open request, and logs it', () => {
    const request = created({ at: at(2), outcome: 'decline' });
    const moved = changeDeadline({ request, deadline: { at: at(5), outcome: 'cancel' }, actor: technician, now: at(1) });
    expect(moved.after.deadline).toEqual({ at: at(5), outcome: 'cancel' });
    expect(moved.events).toMatchObject([{ type: 'deadline_changed', deadline: { outcome: 'cancel' } }]);
    const removed = changeDeadline({ request: moved.after, deadline: null, actor: technician, now: at(1) });
    expect(removed.after.deadline).toBeNull();
    expect(nextDueAt(removed.after)).toBeNull();
    expect(changeDeadline({ request: removed.after, deadline: null, actor: technician, now: at(1) }).events).toEqual([]);
  });

  it('refuses a change once the request is closed', () => {
    const declined = answer(created({ at: at(2), outcome: 'cancel' }), 'a', 'decline');
    expect(() => changeDeadline({ request: declined, deadline: null, actor: technician, now: at(1) })).toThrow(ConflictError);
  });
});

describe('reminders and a deadline', () => {
  it('sends the last reminder before the deadline, then none until it acted, and none once it closed the request', () => {
    const request = created({ at: at(10), outcome: 'decline' }, { remindEveryHours: 4 });
    const first = remindDue({ request, actor: system, now: at(4) });
    expect(first.mails).toHaveLength(2);
    expect(first.after.nextReminderAt).toBe(at(8));
    const second = remindDue({ request: first.after, actor: system, now: at(8) });
    expect(second.after.nextReminderAt).toBe(at(9));
    const last = remindDue({ request: second.after, actor: system, now: at(9) });
    expect(last.mails).toHaveLength(2);
    expect(last.after.nextReminderAt).toBeNull();
    expect(nextDueAt(last.after)).toBe(at(10));
    const closed = passDeadline({ request: last.after, escalateTo: [], actor: system, now: at(10) }).after;
    expect(remindDue({ request: closed, actor: system, now: at(20) }).mails).toEqual([]);
  });
});

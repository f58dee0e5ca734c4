import { describe, expect, it } from 'vitest';
import {
  cancelRequest,
  editRecipients,
  MIN_REMINDER_GAP_SECONDS,
  remind,
  remindDue,
  respond,
} from '../../functions/domain/approval-request.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../functions/domain/errors.js';
import { GROWTH_LIMITS } from '../../functions/domain/limits.js';
import type { ApprovalRequest, Policy } from '../../functions/domain/types.js';
import { approver, newRequest, newRequestChange, technician } from './fixtures.js';

const LATER = '2026-11-25T11:00:00.000Z';

const created = (ids: string[], policy: Policy = { type: 'all' }): ApprovalRequest => newRequest(ids, { policy, message: 'Please' });

const answer = (request: ApprovalRequest, approverId: string, decision?: 'approve' | 'decline', feedback?: string) =>
  respond({ request, approverId, decision, feedback, actor: { kind: 'approver', id: approverId }, now: LATER });

describe('createRequest', () => {
  it('starts pending, mails every recipient once and logs the request', () => {
    const change = newRequestChange([], { approvers: [approver('a'), approver('b', 'contact')] });
    expect(change.after.status).toBe('pending');
    expect(change.after.recipients.map((r) => [r.approverId, r.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    expect(change.mails).toEqual([
      { kind: 'request', approverId: 'a' },
      { kind: 'request', approverId: 'b' },
    ]);
    expect(change.events.map((e) => e.type)).toEqual(['request_created']);
  });

  it('refuses a quorum larger than the recipient list', () => {
    expect(() => created(['a', 'b'], { type: 'quorum', count: 3 })).toThrow(UnprocessableError);
  });
});

describe('respond', () => {
  it('records an approval and moves the status along', () => {
    const change = answer(created(['a', 'b']), 'a', 'approve');
    expect(change.after.status).toBe('partially_approved');
    expect(change.after.recipients[0]).toMatchObject({ status: 'approved', respondedAt: LATER });
    expect(change.after.version).toBe(2);
    expect(change.events.map((e) => e.type)).toEqual(['response_recorded', 'status_changed']);
  });

  it('keeps feedback first and lets the approver decide later', () => {
    const withFeedback = answer(created(['a']), 'a', undefined, 'Which model?').after;
    expect(withFeedback.status).toBe('pending');
    expect(withFeedback.recipients[0]?.feedback).toEqual([{ body: 'Which model?', at: LATER }]);
    const approved = answer(withFeedback, 'a', 'approve').after;
    expect(approved.status).toBe('approved');
    expect(approved.recipients[0]?.feedback).toHaveLength(1);
  });

  it('records a decline with its reason', () => {
    const change = answer(created(['a', 'b']), 'b', 'decline', 'Too expensive');
    expect(change.after.status).toBe('declined');
    expect(change.after.closedAt).toBe(LATER);
    expect(change.events.map((e) => e.type)).toEqual(['feedback_given', 'response_recorded', 'status_changed']);
  });

  it('refuses a second decision', () => {
    const once = answer(created(['a', 'b']), 'a', 'approve').after;
    expect(() => answer(once, 'a', 'decline')).toThrow(expect.objectContaining({ code: 'already_decided' }));
  });

  it('refuses any answer once the request is closed', () => {
    const closed = answer(created(['a', 'b'], { type: 'any' }), 'a', 'approve').after;
    expect(closed.status).toBe('approved');
    expect(() => answer(closed, 'b', 'approve')).toThrow(ConflictError);
  });

  it('refuses someone who is not a recipient', () => {
    expect(() => answer(created(['a']), 'z', 'approve')).toThrow(NotFoundError);
  });
});

describe('a required decline reason', () => {
  const strict = () => newRequest(['a', 'b'], { requireDeclineReason: true });

  it('refuses a decline without a reason and changes nothing', () => {
    const request = strict();
    expect(() => answer(request, 'a', 'decline')).toThrow(ValidationError);
    expect(() => answer(request, 'a', 'decline')).toThrow(expect.objectContaining({ code: 'reason_required' }));
  });

  it('records a decline that comes with its reason', () => {
    const change = answer(strict(), 'a', 'decline', 'Over budget');
    expect(change.after.status).toBe('declined');
    expect(change.after.recipients[0]?.feedback.map((f) => f.body)).toEqual(['Over budget']);
  });

  it('does not ask a reason of an approval, nor of a request that does not require one', () => {
    expect(answer(strict(), 'a', 'approve').after.status).toBe('partially_approved');
    expect(answer(created(['a']), 'a', 'decline').after.status).toBe('declined');
  });
});

describe('editRecipients', () => {
  it('keeps responses of kept recipients, removes dropped ones and mails only newcomers', () => {
    const answered = answer(created(['a', 'b']), 'a', 'approve').after;
    const change = editRecipients({ request: answered, approvers: [approver('a'), approver('c')], actor: technician, now: LATER });
    const byId = Object.fromEntries(change.after.recipients.map((r) => [r.approverId, r.status]));
    expect(byId).toEqual({ a: 'approved', b: 'removed', c: 'pending' });
    expect(change.mails).toEqual([{ kind: 'request', approverId: 'c' }]);
    expect(change.events[0]).toMatchObject({ type: 'recipients_changed', added: [{ approverId: 'c' }], removed: [{ approverId: 'b' }] });
  });

  it('approves when the last pending recipient is removed under "all"', () => {
    const answered = answer(created(['a', 'b']), 'a', 'approve').after;
    const change = editRecipients({ request: answered, approvers: [approver('a')], actor: technician, now: LATER });
    expect(change.after.status).toBe('approved');
  });

  it('cancels the request when the list is emptied', () => {
    const change = editRecipients({ request: created(['a']), approvers: [], actor: technician, now: LATER });
    expect(change.after.status).toBe('canceled');
    expect(change.mails).toEqual([]);
  });

  it('changes nothing when the list is the same', () => {
    const request = created(['a', 'b']);
    const change = editRecipients({ request, approvers: [approver('b'), approver('a')], actor: technician, now: LATER });
    expect(change.after).toBe(request);
    expect(change.events).toEqual([]);
  });

  it('mails a re-added recipient again as pending', () => {
    const removed = editRecipients({ request: created(['a', 'b']), approvers: [approver('a')], actor: technician, now: LATER }).after;
    const change = editRecipients({ request: removed, approvers: [approver('a'), approver('b')], actor: technician, now: LATER });
    expect(change.after.recipients.find((r) => r.approverId === 'b')?.status).toBe('pending');
    expect(change.mails).toEqual([{ kind: 'request', approverId: 'b' }]);
  });
});

describe('remind and cancel', () => {
  it('counts a reminder and mails it', () => {
    const change = remind({ request: created(['a']), approverId: 'a', actor: technician, now: LATER });
    expect(change.after.recipients[0]).toMatchObject({ reminders: 1, remindedAt: LATER });
    expect(change.mails).toEqual([{ kind: 'reminder', approverId: 'a' }]);
  });

  it('refuses a reminder to someone who already answered', () => {
    const answered = answer(created(['a', 'b']), 'a', 'approve').after;
    expect(() => remind({ request: answered, approverId: 'a', actor: technician, now: LATER })).toThrow(
      expect.objectContaining({ code: 'already_responded' }),
    );
  });

  it('refuses a reminder to a removed recipient', () => {
    const removed = editRecipients({ request: created(['a', 'b']), approvers: [approver('a')], actor: technician, now: LATER }).after;
    expect(() => remind({ request: removed, approverId: 'b', actor: technician, now: LATER })).toThrow(
      expect.objectContaining({ code: 'recipient_removed' }),
    );
  });

  it('refuses a second reminder to one recipient within ten minutes, saying when the next may go', () => {
    const reminded = remind({ request: created(['a', 'b']), approverId: 'a', actor: technician, now: LATER }).after;
    const soon = new Date(Date.parse(LATER) + 60_000).toISOString();
    expect(() => remind({ request: reminded, approverId: 'a', actor: technician, now: soon })).toThrow(
      expect.objectContaining({ name: 'TooManyRequestsError', code: 'reminder_too_soon', retryAfterSeconds: 540 }),
    );
    expect(remind({ request: reminded, approverId: 'b', actor: technician, now: soon }).mails).toEqual([
      { kind: 'reminder', approverId: 'b' },
    ]);
    const later = new Date(Date.parse(LATER) + MIN_REMINDER_GAP_SECONDS * 1000).toISOString();
    expect(remind({ request: reminded, approverId: 'a', actor: technician, now: later }).after.recipients[0]?.reminders).toBe(2);
  });

  it('cancels an open request, and only an open one', () => {
    const canceled = cancelRequest({ request: created(['a']), actor: technician, now: LATER }).after;
    expect(canceled.status).toBe('canceled');
    expect(() => cancelRequest({ request: canceled, actor: technician, now: LATER })).toThrow(ConflictError);
  });
});

describe('automatic reminders', () => {
  const withReminders = () => newRequest(['a', 'b'], { remindEveryHours: 24 });
  const DAY_LATER = '2026-11-26T10:00:00.000Z';

  it('schedules the first reminder one interval after the request', () => {
    expect(withReminders().nextReminderAt).toBe(DAY_LATER);
  });

  it('reminds only those still pending when due, and schedules the next', () => {
    const answered = respond({
      request: withReminders(),
      approverId: 'a',
      decision: 'approve',
      actor: { kind: 'approver', id: 'a' },
      now: LATER,
    }).after;
    const change = remindDue({ request: answered, actor: technician, now: DAY_LATER });
    expect(change.mails).toEqual([{ kind: 'reminder', approverId: 'b' }]);
    expect(change.after.recipients.find((r) => r.approverId === 'b')).toMatchObject({ reminders: 1, remindedAt: DAY_LATER });
    expect(change.after.nextReminderAt).toBe('2026-11-27T10:00:00.000Z');
  });

  it('does nothing before it is due, and stops once the request is closed', () => {
    const request = withReminders();
    expect(remindDue({ request, actor: technician, now: LATER }).after).toBe(request);
    const closed = cancelRequest({ request, actor: technician, now: LATER }).after;
    expect(closed.nextReminderAt).toBeNull();
    expect(remindDue({ request: closed, actor: technician, now: DAY_LATER }).mails).toEqual([]);
  });
});

describe('lists inside the request are capped (limits.ts)', () => {
  const withFeedback = (request: ApprovalRequest, approverId: string, times: number) => {
    let current = request;
    for (let i = 0; i < times; i++) current = answer(current, approverId, undefined, `note ${i}`).after;
    return current;
  };

  it('takes feedback up to a recipient’s cap and refuses the next with 422 feedback_limit', () => {
    const full = withFeedback(created(['a', 'b']), 'a', GROWTH_LIMITS.feedbackPerRecipient);
    expect(full.recipients[0]!.feedback).toHaveLength(GROWTH_LIMITS.feedbackPerRecipient);
    expect(() => answer(full, 'a', 'approve', 'one more')).toThrow(
      expect.objectContaining({ constructor: UnprocessableError, code: 'feedback_limit' }),
    );
    expect(answer(full, 'a', 'approve').after.recipients[0]!.status).toBe('approved');
  });

  it('refuses feedback once the request holds its cap, from anyone', () => {
    const ids = Array.from({ length: GROWTH_LIMITS.feedbackPerRequest / GROWTH_LIMITS.feedbackPerRecipient + 1 }, (_, i) => `a${i}`);
    let request = created(ids);
    for (const id of ids.slice(0, -1)) request = withFeedback(request, id, GROWTH_LIMITS.feedbackPerRecipient);
    expect(() => answer(request, ids.at(-1)!, undefined, 'me too')).toThrow(expect.objectContaining({ code: 'feedback_limit' }));
  });

  it('keeps removed recipients up to the cap of entries and refuses an edit past it with 422', () => {
    const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `r${from + i}`);
    let request = created(ids(0, 50));
    request = editRecipients({ request, approvers: ids(50, 50).map((id) => approver(id)), actor: technician, now: LATER }).after;
    expect(request.recipients).toHaveLength(GROWTH_LIMITS.recipientEntries);
    expect(() => editRecipients({ request, approvers: [approver('newcomer')], actor: technician, now: LATER })).toThrow(
      expect.objectContaining({ constructor: UnprocessableError, code: 'too_many_recipients' }),
    );
    // Taking back someone removed earlier adds no entry, so it stays possible.
    expect(editRecipients({ request, approvers: [approver('r0')], actor: technician, now: LATER }).after.recipients).toHaveLength(100);
  });
});

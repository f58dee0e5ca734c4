import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Change, cancelRequest, remind, remindDue } from '../../functions/domain/approval-request.js';
import { changeDeadline, passDeadline } from '../../functions/domain/deadline.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../functions/domain/errors.js';
import { decideStatus, isOpen } from '../../functions/domain/policy.js';
import { editStage } from '../../functions/domain/stage-edit.js';
import { hasStarted, recipientsOfStage, stageProgress, stageStatus } from '../../functions/domain/stages.js';
import type { ApprovalRequest, Deadline, Policy } from '../../functions/domain/types.js';
import { approver, hoursAfter, NOW, newRequest, newRequestChange, system, technician } from './fixtures.js';
import { answerAs, checkEveryStep, commandApplier, dueWork, expectNothingChanged, policyKind, policyOf } from './properties.js';

const LATER = '2026-11-25T11:00:00.000Z';

function staged(lists: string[][], policies: Policy[] = [], deadline: Deadline | null = null): ApprovalRequest {
  return newRequest([], {
    deadline,
    stages: lists.map((ids, i) => ({
      name: `Stage ${i + 1}`,
      policy: policies[i] ?? { type: 'all' },
      approvers: ids.map((id) => approver(id)),
    })),
  });
}

const answer = (request: ApprovalRequest, approverId: string, decision?: 'approve' | 'decline') =>
  answerAs(request, { who: approverId, decision }, LATER);

describe('staged requests', () => {
  it('mails only the first stage on create, and each recipient carries its stage', () => {
    const change = newRequestChange([], {
      stages: [
        { name: 'Manager', policy: { type: 'any' }, approvers: [approver('a'), approver('b')] },
        { name: null, policy: { type: 'all' }, approvers: [approver('c')] },
      ],
    });
    expect(change.mails.map((m) => m.approverId)).toEqual(['a', 'b']);
    expect(change.after.currentStage).toBe(1);
    expect(change.after.recipients.map((r) => [r.approverId, r.stage])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 2],
    ]);
    expect(stageProgress(change.after)).toEqual({ current: 1, total: 2, approved: 0, label: 'Stage 1 of 2 pending' });
  });

  it('starts and mails the next stage when the current one is approved by its policy', () => {
    const request = staged([['a', 'b'], ['c']], [{ type: 'any' }]);
    const change = answer(request, 'a', 'approve');
    expect(change.after).toMatchObject({ status: 'partially_approved', currentStage: 2 });
    expect(change.mails).toEqual([{ kind: 'request', approverId: 'c' }]);
    expect(change.events.map((e) => e.type)).toContain('stage_started');
    expect(stageProgress(change.after)?.label).toBe('Stage 1 of 2 approved');
    expect(stageStatus(change.after, 1)).toBe('approved');
    expect(stageStatus(change.after, 2)).toBe('pending');
  });

  it('approves the request when the last stage is approved, and declines it when any stage declines', () => {
    const second = answer(staged([['a'], ['c']]), 'a', 'approve').after;
    expect(answer(second, 'c', 'approve').after).toMatchObject({ status: 'approved', currentStage: 2 });
    expect(stageProgress(answer(second, 'c', 'approve').after)?.label).toBe('Stage 2 of 2 approved');
    const declined = answer(second, 'c', 'decline').after;
    expect(declined.status).toBe('declined');
    expect(stageProgress(declined)?.label).toBe('Stage 2 of 2 declined');
  });

  it('hides the request from a later stage until it starts, and closes a stage to late deciders', () => {
    const request = staged([['a', 'b'], ['c']], [{ type: 'any' }]);
    expect(() => answer(request, 'c', 'approve')).toThrow(NotFoundError);
    const second = answer(request, 'a', 'approve').after;
    expect(() => answer(second, 'b', 'approve')).toThrow(ConflictError);
    expect(() => remind({ request, approverId: 'c', actor: technician, now: LATER })).toThrow(/not started/);
  });

  it('edits a later stage without mail, the current stage with mail to newcomers only, and refuses a closed stage', () => {
    const request = staged([['a'], ['c']]);
    const later = editStage({ request, index: 2, approvers: [approver('c'), approver('d')], actor: technician, now: LATER });
    expect(later.mails).toEqual([]);
    expect(later.after.recipients.find((r) => r.approverId === 'd')).toMatchObject({ stage: 2, status: 'pending' });
    const now = editStage({ request, index: 1, approvers: [approver('a'), approver('e')], actor: technician, now: LATER });
    expect(now.mails).toEqual([{ kind: 'request', approverId: 'e' }]);
    const second = answer(request, 'a', 'approve').after;
    expect(() => editStage({ request: second, index: 1, approvers: [approver('a')], actor: technician, now: LATER })).toThrow(
      /already approved/,
    );
    expect(() => editStage({ request, index: 2, approvers: [approver('a')], actor: technician, now: LATER })).toThrow(ConflictError);
    expect(() => editStage({ request, index: 3, approvers: [approver('x')], actor: technician, now: LATER })).toThrow(NotFoundError);
  });

  it('starts the next stage when an edit drops the last one the current stage waited on', () => {
    const request = answer(staged([['a', 'b'], ['c']]), 'a', 'approve').after;
    const change = editStage({ request, index: 1, approvers: [approver('a')], actor: technician, now: LATER });
    expect(change.after.currentStage).toBe(2);
    expect(change.mails).toEqual([{ kind: 'request', approverId: 'c' }]);
  });

  it('reminds and escalates the current stage only', () => {
    const deadline = { at: hoursAfter(NOW, 2), outcome: 'escalate' as const, escalateTo: ['x'] };
    const request = { ...staged([['a', 'b'], ['c']], [], deadline), remindEveryHours: 1, nextReminderAt: LATER };
    expect(remindDue({ request, actor: system, now: LATER }).mails.map((m) => m.approverId)).toEqual(['a', 'b']);
    const escalated = passDeadline({ request, escalateTo: [approver('x')], actor: system, now: hoursAfter(NOW, 3) });
    expect(escalated.after.recipients.map((r) => [r.approverId, r.status, r.stage])).toEqual([
      ['a', 'expired', 1],
      ['b', 'expired', 1],
      ['c', 'pending', 2],
      ['x', 'pending', 1],
    ]);
    expect(escalated.mails).toEqual([{ kind: 'request', approverId: 'x' }]);
  });

  it('refuses a deadline whose escalation would pass the cap on recipient entries', () => {
    const crowd = Array.from({ length: 100 }, (_, i) => `p${i}`);
    const request = staged([crowd.slice(0, 50), crowd.slice(50)]);
    expect(() =>
      changeDeadline({
        request,
        deadline: { at: hoursAfter(NOW, 2), outcome: 'escalate', escalateTo: ['x'] },
        actor: technician,
        now: LATER,
      }),
    ).toThrow(UnprocessableError);
  });
});

/* Property-based: random staged requests and random command sequences keep the stage invariants. */

const POOL = ['a', 'b', 'c', 'd', 'e', 'f'] as const;

const start = fc
  .tuple(
    fc.shuffledSubarray([...POOL], { minLength: 2, maxLength: POOL.length }),
    fc.integer({ min: 2, max: 3 }),
    fc.array(policyKind, { minLength: 3, maxLength: 3 }),
    fc.option(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.constantFrom('decline' as const, 'cancel' as const, 'escalate' as const))),
  )
  .map(([ids, count, kinds, deadline]) => {
    const n = Math.min(count, ids.length);
    const lists = Array.from({ length: n }, (_, i) => ids.filter((_, j) => j % n === i));
    const policies = lists.map((list, i) => policyOf(kinds[i]!, list.length));
    const d: Deadline | null = deadline
      ? { at: hoursAfter(NOW, deadline[0]), outcome: deadline[1], ...(deadline[1] === 'escalate' ? { escalateTo: ['x'] } : {}) }
      : null;
    return staged(lists, policies, d);
  });

type Command =
  | { kind: 'respond'; who: string; decision: 'approve' | 'decline' }
  | { kind: 'edit'; index: number; ids: string[] }
  | { kind: 'remind'; who: string }
  | { kind: 'cancel' }
  | { kind: 'tick'; hours: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('respond' as const),
      who: fc.constantFrom(...POOL, 'x'),
      decision: fc.constantFrom('approve' as const, 'decline' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      index: fc.integer({ min: 1, max: 3 }),
      ids: fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remind' as const), who: fc.constantFrom(...POOL) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), hours: fc.integer({ min: 0, max: 12 }) }) },
);

const apply = commandApplier<Command>({
  respond: answerAs,
  edit: (request, cmd, now) =>
    editStage({ request, index: cmd.index, approvers: cmd.ids.map((id) => approver(id)), actor: technician, now }),
  remind: (request, cmd, now) => remind({ request, approverId: cmd.who, actor: technician, now }),
  cancel: (request, _cmd, now) => cancelRequest({ request, actor: technician, now }),
  tick: (request, _cmd, now) => dueWork(request, [approver('x')], now),
});

function run(request: ApprovalRequest, commands: Command[], check: (change: Change) => void) {
  let now = hoursAfter(NOW, 0.5);
  let current = request;
  for (const cmd of commands) {
    if (cmd.kind === 'tick') now = hoursAfter(now, cmd.hours);
    const change = apply(current, cmd, now);
    check(change);
    current = change.after;
    now = new Date(new Date(now).getTime() + 1000).toISOString();
  }
}

const RANDOM_RUNS = { start, command, run, maxLength: 30, numRuns: 300 };
const decided = (status: string) => status === 'approved' || status === 'declined';

describe('invariants of staged requests', () => {
  it('a place is settled once', () => {
    checkEveryStep(RANDOM_RUNS, ({ before, after }) => {
      for (const was of before!.recipients) {
        const now = after.recipients.find((r) => r.approverId === was.approverId)!;
        if (decided(was.status) && now.status !== 'removed') expect([now.status, now.respondedAt]).toEqual([was.status, was.respondedAt]);
        expect(now.stage).toBe(was.stage);
      }
    });
  });

  it('the status follows the policy of each stage, in order', () => {
    checkEveryStep(RANDOM_RUNS, ({ after }) => {
      const current = after.currentStage!;
      const of = (i: number) => decideStatus(after.stages![i - 1]!.policy, recipientsOfStage(after.recipients, i));
      for (let i = 1; i < current; i++) expect(of(i)).toBe('approved');
      for (const r of after.recipients) if (r.stage! > current) expect(['pending', 'removed']).toContain(r.status);
      if (after.status === 'canceled' || after.closedReason === 'deadline') return;
      if (after.status === 'approved') expect([current, of(current)]).toEqual([after.stages!.length, 'approved']);
      else if (after.status === 'declined') expect(of(current)).toBe('declined');
      else {
        expect(isOpen(of(current))).toBe(true);
        expect(after.status).toBe(current > 1 || of(current) === 'partially_approved' ? 'partially_approved' : 'pending');
      }
    });
  });

  it('no mail goes to a stage that has not started', () => {
    checkEveryStep(RANDOM_RUNS, ({ after, mails }) => {
      for (const mail of mails) {
        const r = after.recipients.find((x) => x.approverId === mail.approverId)!;
        expect(hasStarted(after, r)).toBe(true);
        expect(r.stage).toBe(after.currentStage);
      }
    });
  });

  it('a closed request never changes', () => {
    checkEveryStep(RANDOM_RUNS, (change) => {
      if (isOpen(change.before!.status)) return;
      expectNothingChanged(change);
    });
  });
});

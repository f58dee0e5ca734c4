import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Change, cancelRequest, editRecipients, remind } from '../../functions/domain/approval-request.js';
import { changeDeadline } from '../../functions/domain/deadline.js';
import { decideStatus, isOpen } from '../../functions/domain/policy.js';
import type { ApprovalRequest, Deadline, DeadlineOutcome } from '../../functions/domain/types.js';
import { approver, hoursAfter, NOW, newRequest, technician } from './fixtures.js';
import { answerAs, checkEveryStep, commandApplier, dueWork, expectNothingChanged, noChange, policyKind, policyOf } from './properties.js';

/*
 * Property-based tests of the rules every command keeps, over random requests and random
 * sequences of commands (answers, edits, reminders, deadline changes, the clock moving on).
 */

const POOL = ['a', 'b', 'c', 'd', 'e'] as const;

const ids = (min: number) => fc.uniqueArray(fc.constantFrom(...POOL), { minLength: min, maxLength: POOL.length });
const outcome = fc.constantFrom<DeadlineOutcome>('decline', 'cancel', 'escalate');
const deadlineIn = (hours: fc.Arbitrary<number>): fc.Arbitrary<Deadline> =>
  fc.tuple(hours, outcome, ids(1)).map(([h, o, to]) => ({
    at: hoursAfter(NOW, h),
    outcome: o,
    ...(o === 'escalate' ? { escalateTo: to } : {}),
  }));

const start = fc
  .tuple(ids(1), policyKind, fc.option(deadlineIn(fc.integer({ min: 1, max: 48 }))), fc.option(fc.integer({ min: 1, max: 24 })))
  .map(([recipients, kind, deadline, remindEveryHours]) =>
    newRequest(recipients, { policy: policyOf(kind, recipients.length), deadline, remindEveryHours }),
  );

type Command =
  | { kind: 'respond'; who: string; decision: 'approve' | 'decline' | undefined; feedback: string | undefined }
  | { kind: 'edit'; ids: string[] }
  | { kind: 'remind'; who: string }
  | { kind: 'cancel' }
  | { kind: 'deadline'; deadline: Deadline | null }
  | { kind: 'tick'; hours: number }
  | { kind: 'wait'; hours: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('respond' as const),
      who: fc.constantFrom(...POOL),
      decision: fc.constantFrom('approve' as const, 'decline' as const, undefined),
      feedback: fc.constantFrom('why?', undefined),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), ids: ids(0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remind' as const), who: fc.constantFrom(...POOL) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deadline' as const), deadline: fc.option(deadlineIn(fc.integer({ min: -2, max: 24 }))) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), hours: fc.integer({ min: 0, max: 30 }) }) },
  // Time passes before the due-work job comes round.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 0, max: 30 }) }) },
);

/** Applies one command at `now`; a refused command (a domain error) changes nothing. */
const apply = commandApplier<Command>({
  respond: answerAs,
  edit: (request, cmd, now) => editRecipients({ request, approvers: cmd.ids.map((id) => approver(id)), actor: technician, now }),
  remind: (request, cmd, now) => remind({ request, approverId: cmd.who, actor: technician, now }),
  cancel: (request, _cmd, now) => cancelRequest({ request, actor: technician, now }),
  deadline: (request, cmd, now) => changeDeadline({ request, deadline: cmd.deadline, actor: technician, now }),
  wait: (request) => noChange(request),
  tick: (request, _cmd, now) =>
    dueWork(
      request,
      (request.deadline?.escalateTo ?? []).map((id) => approver(id)),
      now,
    ),
});

/** Runs the commands, the clock moving on with each tick or wait, and hands every step to `check`. */
function run(request: ApprovalRequest, commands: Command[], check: (change: Change, cmd: Command, now: string) => void) {
  let now = hoursAfter(NOW, 0.5);
  let current = request;
  for (const cmd of commands) {
    if (cmd.kind === 'tick' || cmd.kind === 'wait') now = hoursAfter(now, cmd.hours);
    const change = apply(current, cmd, now);
    check(change, cmd, now);
    current = change.after;
    now = new Date(new Date(now).getTime() + 1000).toISOString();
  }
  return current;
}

const settled = (status: string) => status === 'approved' || status === 'declined';
const RANDOM_RUNS = { start, command, run, maxLength: 25, numRuns: 300 };

describe('invariants of every command', () => {
  it('a place is settled once: an answer given stays, unless the technician removes the recipient', () => {
    checkEveryStep(RANDOM_RUNS, ({ before, after, events }) => {
      for (const was of before!.recipients) {
        const now = after.recipients.find((r) => r.approverId === was.approverId)!;
        if (settled(was.status) && now.status !== 'removed') {
          expect(now.status).toBe(was.status);
          expect(now.respondedAt).toBe(was.respondedAt);
        }
      }
      const decided = events.filter((e) => e.type === 'response_recorded').map((e) => (e.type === 'response_recorded' ? e.approverId : ''));
      expect(new Set(decided).size).toBe(decided.length);
    });
  });

  it('a closed request never changes', () => {
    checkEveryStep(RANDOM_RUNS, (change) => {
      if (isOpen(change.before!.status)) return;
      expectNothingChanged(change);
    });
  });

  it('an open request’s status follows its policy over the recipients who still count', () => {
    checkEveryStep(RANDOM_RUNS, ({ after }) => {
      if (after.status === 'canceled' || after.closedReason === 'deadline') return;
      expect(after.status).toBe(decideStatus(after.policy, after.recipients));
    });
  });

  it('a deadline acts once, at or after its time, with the outcome its rules give', () => {
    checkEveryStep(RANDOM_RUNS, ({ before, after, events, mails }, _cmd, now) => {
      const passed = events.filter((e) => e.type === 'deadline_passed');
      if (passed.length === 0) return;
      const deadline = before!.deadline!;
      expect(passed).toHaveLength(1);
      expect(before!.deadlinePassedAt).toBeNull();
      expect(isOpen(before!.status)).toBe(true);
      expect(deadline.at <= now).toBe(true);
      expect(after.deadlinePassedAt).toBe(now);
      if (deadline.outcome === 'decline') expect(after).toMatchObject({ status: 'declined', closedReason: 'deadline' });
      if (deadline.outcome === 'cancel') expect(after).toMatchObject({ status: 'canceled', closedReason: 'deadline' });
      if (deadline.outcome === 'escalate') {
        const targets = new Set(deadline.escalateTo);
        for (const r of after.recipients) {
          const was = before!.recipients.find((b) => b.approverId === r.approverId);
          if (was?.status === 'pending' && !targets.has(r.approverId)) expect(r.status).toBe('expired');
          if (targets.has(r.approverId)) expect(r.status).not.toBe('removed');
        }
        const mailed = mails.map((m) => m.approverId);
        expect(new Set(mailed).size).toBe(mailed.length);
        for (const id of mailed) expect(before!.recipients.find((b) => b.approverId === id && b.status !== 'removed')).toBeUndefined();
        expect(after.closedReason).toBe(isOpen(after.status) ? null : 'deadline');
      }
    });
  });

  it('no answer counts once the deadline has passed', () => {
    checkEveryStep(RANDOM_RUNS, ({ before, events }, cmd, now) => {
      if (cmd.kind !== 'respond' || !before!.deadline || before!.deadlinePassedAt || before!.deadline.at > now) return;
      expect(events).toEqual([]);
    });
  });
});

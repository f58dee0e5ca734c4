import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Change, cancelRequest, editRecipients, remind, remindDue, respond } from '../../functions/domain/approval-request.js';
import { changeDeadline, passDeadline } from '../../functions/domain/deadline.js';
import { SignoffError } from '../../functions/domain/errors.js';
import { decideStatus, isOpen } from '../../functions/domain/policy.js';
import type { ApprovalRequest, Deadline, DeadlineOutcome, Policy } from '../../functions/domain/types.js';
import { approver, NOW, newRequest, technician } from './fixtures.js';

/*
 * Property-based tests of the rules every command keeps, over random requests and random
 * sequences of commands (answers, edits, reminders, deadline changes, the clock moving on).
 */

const POOL = ['a', 'b', 'c', 'd', 'e'] as const;
const hoursAfter = (iso: string, h: number) => new Date(new Date(iso).getTime() + h * 3600_000).toISOString();
const system = { kind: 'system', id: 'deadlines' } as const;

const ids = (min: number) => fc.uniqueArray(fc.constantFrom(...POOL), { minLength: min, maxLength: POOL.length });
const outcome = fc.constantFrom<DeadlineOutcome>('decline', 'cancel', 'escalate');
const deadlineIn = (hours: fc.Arbitrary<number>): fc.Arbitrary<Deadline> =>
  fc.tuple(hours, outcome, ids(1)).map(([h, o, to]) => ({
    at: hoursAfter(NOW, h),
    outcome: o,
    ...(o === 'escalate' ? { escalateTo: to } : {}),
  }));

const start = fc
  .tuple(
    ids(1),
    fc.constantFrom('all', 'any', 'quorum'),
    fc.nat(),
    fc.option(deadlineIn(fc.integer({ min: 1, max: 48 }))),
    fc.option(fc.integer({ min: 1, max: 24 })),
  )
  .map(([recipients, type, n, deadline, remindEveryHours]) => {
    const policy: Policy = type === 'quorum' ? { type, count: 1 + (n % recipients.length) } : { type };
    return newRequest(recipients, { policy, deadline, remindEveryHours });
  });

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
function apply(request: ApprovalRequest, cmd: Command, now: string): Change {
  const unchanged: Change = { before: request, after: request, events: [], mails: [] };
  try {
    switch (cmd.kind) {
      case 'respond':
        return respond({
          request,
          approverId: cmd.who,
          decision: cmd.decision,
          feedback: cmd.feedback,
          actor: { kind: 'approver', id: cmd.who },
          now,
        });
      case 'edit':
        return editRecipients({ request, approvers: cmd.ids.map((id) => approver(id)), actor: technician, now });
      case 'remind':
        return remind({ request, approverId: cmd.who, actor: technician, now });
      case 'cancel':
        return cancelRequest({ request, actor: technician, now });
      case 'deadline':
        return changeDeadline({ request, deadline: cmd.deadline, actor: technician, now });
      case 'wait':
        return unchanged;
      case 'tick': {
        // What the due-work job does when it finds the request due.
        const passed = passDeadline({
          request,
          escalateTo: (request.deadline?.escalateTo ?? []).map((id) => approver(id)),
          actor: system,
          now,
        });
        return passed.after !== request ? passed : remindDue({ request, actor: system, now });
      }
    }
  } catch (error) {
    if (error instanceof SignoffError) return unchanged;
    throw error;
  }
}

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
const RUNS = { numRuns: 300 };

describe('invariants of every command', () => {
  it('a place is settled once: an answer given stays, unless the technician removes the recipient', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 25 }), (request, commands) => {
        run(request, commands, ({ before, after, events }) => {
          for (const was of before!.recipients) {
            const now = after.recipients.find((r) => r.approverId === was.approverId)!;
            if (settled(was.status) && now.status !== 'removed') {
              expect(now.status).toBe(was.status);
              expect(now.respondedAt).toBe(was.respondedAt);
            }
          }
          const decided = events
            .filter((e) => e.type === 'response_recorded')
            .map((e) => (e.type === 'response_recorded' ? e.approverId : ''));
          expect(new Set(decided).size).toBe(decided.length);
        });
      }),
      RUNS,
    );
  });

  it('a closed request never changes', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 25 }), (request, commands) => {
        run(request, commands, ({ before, after, events, mails }) => {
          if (isOpen(before!.status)) return;
          expect(after).toBe(before);
          expect(events).toEqual([]);
          expect(mails).toEqual([]);
        });
      }),
      RUNS,
    );
  });

  it('an open request’s status follows its policy over the recipients who still count', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 25 }), (request, commands) => {
        run(request, commands, ({ after }) => {
          if (after.status === 'canceled' || after.closedReason === 'deadline') return;
          expect(after.status).toBe(decideStatus(after.policy, after.recipients));
        });
      }),
      RUNS,
    );
  });

  it('a deadline acts once, at or after its time, with the outcome its rules give', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 25 }), (request, commands) => {
        run(request, commands, ({ before, after, events, mails }, _cmd, now) => {
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
      }),
      RUNS,
    );
  });

  it('no answer counts once the deadline has passed', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 25 }), (request, commands) => {
        run(request, commands, ({ before, events }, cmd, now) => {
          if (cmd.kind !== 'respond' || !before!.deadline || before!.deadlinePassedAt || before!.deadline.at > now) return;
          expect(events).toEqual([]);
        });
      }),
      RUNS,
    );
  });
});

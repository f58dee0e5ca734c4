import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Change, cancelRequest, editRecipients, remindDue, respond } from '../../functions/domain/approval-request.js';
import {
  checkDelegation,
  DELEGATION_LIMITS,
  type Delegation,
  delegateNewRequest,
  type Handover,
  handOverPlace,
  isActive,
  isCurrent,
} from '../../functions/domain/delegation.js';
import type { SignoffError } from '../../functions/domain/errors.js';
import { decideStatus, isOpen } from '../../functions/domain/policy.js';
import { approver, hoursAfter, NOW, newRequestChange, technician } from './fixtures.js';
import { answerAs, checkEveryStep, commandApplier, expectNothingChanged, policyKind, policyOf } from './properties.js';

/*
 * Delegation as functions over plain data: property-based tests over random requests, random
 * delegations and random sequences of answers (by delegators and substitutes alike), edits,
 * handovers of open requests, reminders and cancellations.
 */

const PLACES = ['a', 'b', 'c', 'd'] as const;
const PEOPLE = [...PLACES, 's', 't'] as const;
const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

const handover = fc
  .tuple(fc.constantFrom(...PLACES), fc.constantFrom(...PEOPLE))
  .map(([delegatorId, sub]): Handover => ({ delegatorId, substitute: approver(sub), until: hoursAfter(NOW, 24) }));

const start = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...PLACES), { minLength: 1, maxLength: PLACES.length }),
    policyKind,
    fc.array(handover, { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([ids, kind, handovers, reminders]) => {
    const created = newRequestChange(ids, { policy: policyOf(kind, ids.length), remindEveryHours: reminders ? 1 : null });
    return delegateNewRequest(created, handovers, technician, NOW);
  });

type Command =
  | { kind: 'respond'; who: string; decision: 'approve' | 'decline' | undefined }
  | { kind: 'handover'; handover: Handover }
  | { kind: 'edit'; ids: string[] }
  | { kind: 'remind' }
  | { kind: 'cancel' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('respond' as const),
      who: fc.constantFrom(...PEOPLE),
      decision: fc.constantFrom('approve' as const, 'decline' as const, undefined),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('handover' as const), handover }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('edit' as const), ids: fc.uniqueArray(fc.constantFrom(...PEOPLE), { maxLength: 6 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'remind' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
);

const apply = commandApplier<Command>({
  respond: answerAs,
  handover: (request, cmd, now) => handOverPlace({ request, handover: cmd.handover, actor: technician, now }),
  edit: (request, cmd, now) => editRecipients({ request, approvers: cmd.ids.map((id) => approver(id)), actor: technician, now }),
  remind: (request, _cmd, now) =>
    remindDue({ request: { ...request, nextReminderAt: request.nextReminderAt && now }, actor: technician, now }),
  cancel: (request, _cmd, now) => cancelRequest({ request, actor: technician, now }),
});

function run(first: Change, commands: Command[], check: (change: Change, cmd: Command | null) => void) {
  check(first, null);
  let current = first.after;
  commands.forEach((cmd, i) => {
    const change = apply(current, cmd, at(i + 1));
    check(change, cmd);
    current = change.after;
  });
}

const RANDOM_RUNS = { start, command, run, maxLength: 30, numRuns: 400 };
const decided = (status: string) => status === 'approved' || status === 'declined';
/** The place an entry holds: its own, or its delegator's. */
const placeOf = (r: { approverId: string; onBehalfOf?: string | null }) => r.onBehalfOf ?? r.approverId;

describe('delegation, over random requests and answers', () => {
  it('a place is settled once: one answer counts, whoever of delegator and substitute gives it, and it stays', () => {
    checkEveryStep(RANDOM_RUNS, ({ before, after, events }) => {
      // Every holder of a decided place shows the same decision.
      for (const r of after.recipients.filter((x) => x.onBehalfOf && x.status !== 'removed' && x.status !== 'expired')) {
        const owner = after.recipients.find((x) => x.approverId === r.onBehalfOf)!;
        expect(owner).toBeDefined();
        if (decided(owner.status) || decided(r.status)) expect(r.status).toBe(owner.status);
      }
      // A decided place keeps its decision unless the technician removes it.
      for (const was of before?.recipients ?? []) {
        const now = after.recipients.find((r) => r.approverId === was.approverId)!;
        if (decided(was.status) && now.status !== 'removed') expect(now.status).toBe(was.status);
      }
      // One change records at most one decision per place.
      const places = events.flatMap((e) => (e.type === 'response_recorded' ? [e.onBehalfOf ?? e.approverId] : []));
      expect(new Set(places).size).toBe(places.length);
    });
  });

  it('the policy counts each place once: a substitute’s answer counts exactly as the delegator’s would', () => {
    checkEveryStep(RANDOM_RUNS, ({ after }) => {
      if (after.status === 'canceled') return;
      // The same request with every place answered by its owner, and no substitutes at all.
      const owners = after.recipients.filter((r) => !r.onBehalfOf).map((r) => ({ ...r, delegatedTo: null, answeredBy: null }));
      expect(after.status).toBe(decideStatus(after.policy, owners));
    });
  });

  it('a closed request never changes, whoever answers or is handed a place', () => {
    checkEveryStep(RANDOM_RUNS, (change) => {
      if (!change.before || isOpen(change.before.status)) return;
      expectNothingChanged(change);
    });
  });

  it('one person holds one place: no approver twice, a substitute only for a delegator on the request, never for themselves', () => {
    checkEveryStep(RANDOM_RUNS, ({ after, mails }) => {
      const ids = after.recipients.map((r) => r.approverId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const r of after.recipients.filter((x) => x.onBehalfOf)) {
        expect(r.onBehalfOf).not.toBe(r.approverId);
        expect(after.recipients.find((x) => x.approverId === r.onBehalfOf)?.onBehalfOf ?? null).toBeNull();
      }
      // Mail goes only to entries on the request, and a delegator whose place was handed over is not reminded.
      for (const m of mails) {
        const r = after.recipients.find((x) => x.approverId === m.approverId)!;
        expect(r).toBeDefined();
        if (m.kind === 'reminder') expect(r.delegatedTo ?? null).toBeNull();
      }
      expect(after.recipients.length).toBeLessThanOrEqual(100);
      expect(new Set(after.recipients.map(placeOf)).size).toBeLessThanOrEqual(after.recipients.length);
    });
  });

  it('sends a new request to the substitute instead of the delegator', () => {
    const change = delegateNewRequest(
      newRequestChange(['a', 'b']),
      [{ delegatorId: 'a', substitute: approver('s'), until: hoursAfter(NOW, 1) }],
      technician,
      NOW,
    );
    expect(change.mails.map((m) => m.approverId).sort()).toEqual(['b', 's']);
    expect(change.after.recipients.find((r) => r.approverId === 's')).toMatchObject({ onBehalfOf: 'a', status: 'pending' });
    expect(change.events.map((e) => e.type)).toEqual(['request_created', 'delegated']);
  });
});

describe('checkDelegation', () => {
  const until = hoursAfter(NOW, 24);
  const check = (input: Parameters<typeof checkDelegation>[0]['input'], substitute = approver('s'), own: Delegation | null = null) =>
    checkDelegation({ delegator: approver('a'), substitute, substitutesOwn: own, input, actor: technician, now: NOW });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (error) {
      return (error as SignoffError).code;
    }
  };

  it('takes a listed substitute of the same kind, from now on by default', () => {
    const d = check({ substituteId: 's', until, note: '  Back Monday ' });
    expect(d).toMatchObject({ approverId: 'a', substituteId: 's', from: NOW, until, note: 'Back Monday' });
    expect(isActive(d, NOW)).toBe(true);
    expect(isCurrent(d, until)).toBe(false);
  });

  it('refuses self, unlisted, another kind, a period that is past, backwards or too long, and a loop', () => {
    expect(codeOf(() => check({ substituteId: 'a', until }))).toBe('substitute_is_self');
    expect(
      codeOf(() =>
        checkDelegation({
          delegator: approver('a'),
          substitute: null,
          substitutesOwn: null,
          input: { substituteId: 's', until },
          actor: technician,
          now: NOW,
        }),
      ),
    ).toBe('substitute_not_listed');
    expect(codeOf(() => check({ substituteId: 's', until }, approver('s', 'contact')))).toBe('substitute_kind_mismatch');
    expect(codeOf(() => check({ substituteId: 's', until: NOW }))).toBe('delegation_period_invalid');
    expect(codeOf(() => check({ substituteId: 's', from: hoursAfter(NOW, 30), until }))).toBe('delegation_period_invalid');
    expect(codeOf(() => check({ substituteId: 's', until: hoursAfter(NOW, 24 * (DELEGATION_LIMITS.maxDays + 1)) }))).toBe(
      'delegation_period_invalid',
    );
    const theirs = { ...check({ substituteId: 's', until }), approverId: 's', substituteId: 'a' };
    expect(codeOf(() => check({ substituteId: 's', until }, approver('s'), theirs))).toBe('delegation_loop');
    // Not a loop when the times do not overlap.
    expect(codeOf(() => check({ substituteId: 's', from: until, until: hoursAfter(until, 5) }, approver('s'), theirs))).toBe('ok');
  });
});

describe('delegation on a staged request', () => {
  const staged = () =>
    newRequestChange([], {
      stages: [
        { name: 'Team', policy: { type: 'all' }, approvers: [approver('a')] },
        { name: 'Finance', policy: { type: 'all' }, approvers: [approver('b')] },
      ],
    });
  const away = (delegatorId: string, sub: string): Handover => ({ delegatorId, substitute: approver(sub), until: hoursAfter(NOW, 24) });

  it("seats the substitute in the delegator's stage and mails them only when that stage starts", () => {
    const change = delegateNewRequest(staged(), [away('b', 's')], technician, NOW);
    const substitute = change.after.recipients.find((r) => r.approverId === 's');
    expect(substitute).toMatchObject({ onBehalfOf: 'b', stage: 2 });
    expect(change.mails.map((m) => m.approverId)).toEqual(['a']);

    const stageOneDone = respond({
      request: change.after,
      approverId: 'a',
      decision: 'approve',
      actor: { kind: 'approver', id: 'a' },
      now: at(60),
    });
    expect(stageOneDone.after.currentStage).toBe(2);
    expect(stageOneDone.mails.map((m) => m.approverId)).toEqual(['s']);
  });

  it('mails a substitute added to an open request only if the place is in the current stage', () => {
    const open = staged().after;
    expect(handOverPlace({ request: open, handover: away('b', 's'), actor: technician, now: at(60) }).mails).toEqual([]);
    expect(handOverPlace({ request: open, handover: away('a', 's'), actor: technician, now: at(60) }).mails).toEqual([
      { kind: 'request', approverId: 's' },
    ]);
  });
});

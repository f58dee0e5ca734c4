import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newRecipient } from '../../functions/domain/approval-request.js';
import { approvalsRequired, decideStatus } from '../../functions/domain/policy.js';
import type { Policy, Recipient, RecipientStatus } from '../../functions/domain/types.js';
import { approver, NOW } from './fixtures.js';

function recipients(statuses: RecipientStatus[]): Recipient[] {
  return statuses.map((status, i) => ({ ...newRecipient(approver(`a${i}`), NOW), status }));
}

describe('decideStatus', () => {
  it('approves under "all" only when every recipient approved', () => {
    expect(decideStatus({ type: 'all' }, recipients(['approved', 'pending']))).toBe('partially_approved');
    expect(decideStatus({ type: 'all' }, recipients(['approved', 'approved']))).toBe('approved');
  });

  it('declines under "all" at the first decline', () => {
    expect(decideStatus({ type: 'all' }, recipients(['declined', 'pending', 'pending']))).toBe('declined');
  });

  it('approves under "any" at the first approval and declines only when everyone declined', () => {
    expect(decideStatus({ type: 'any' }, recipients(['pending', 'approved']))).toBe('approved');
    expect(decideStatus({ type: 'any' }, recipients(['declined', 'pending']))).toBe('pending');
    expect(decideStatus({ type: 'any' }, recipients(['declined', 'declined']))).toBe('declined');
  });

  it('declines a quorum once it can no longer be reached', () => {
    const policy: Policy = { type: 'quorum', count: 2 };
    expect(decideStatus(policy, recipients(['declined', 'pending', 'pending']))).toBe('pending');
    expect(decideStatus(policy, recipients(['declined', 'approved', 'pending']))).toBe('partially_approved');
    expect(decideStatus(policy, recipients(['declined', 'declined', 'pending']))).toBe('declined');
    expect(decideStatus(policy, recipients(['approved', 'approved', 'pending']))).toBe('approved');
  });

  it('ignores removed recipients', () => {
    expect(decideStatus({ type: 'all' }, recipients(['approved', 'removed']))).toBe('approved');
    expect(decideStatus({ type: 'any' }, recipients(['declined', 'removed']))).toBe('declined');
  });

  const policyArb = (size: number): fc.Arbitrary<Policy> =>
    fc.oneof(
      fc.constant<Policy>({ type: 'all' }),
      fc.constant<Policy>({ type: 'any' }),
      fc.integer({ min: 1, max: size }).map((count): Policy => ({ type: 'quorum', count })),
    );

  const scenario = fc.integer({ min: 1, max: 12 }).chain((size) =>
    fc.record({
      policy: policyArb(size),
      answers: fc.array(fc.constantFrom<RecipientStatus>('approved', 'declined', 'pending'), { minLength: size, maxLength: size }),
      order: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
    }),
  );

  it('declines exactly when the approvals still possible fall below the number required', () => {
    fc.assert(
      fc.property(scenario, ({ policy, answers }) => {
        const list = recipients(answers);
        const approvals = answers.filter((a) => a === 'approved').length;
        const possible = approvals + answers.filter((a) => a === 'pending').length;
        const required = approvalsRequired(policy, answers.length);
        const status = decideStatus(policy, list);
        expect(status === 'declined').toBe(approvals < required && possible < required);
        expect(status === 'approved').toBe(approvals >= required);
      }),
    );
  });

  it('once decided, stays decided whatever the later answers (in any order)', () => {
    fc.assert(
      fc.property(scenario, ({ policy, answers, order }) => {
        const current: RecipientStatus[] = answers.map(() => 'pending');
        let closedAs: string | null = null;
        for (const i of order) {
          if (closedAs) break; // a closed request takes no more answers
          current[i] = answers[i] as RecipientStatus;
          const status = decideStatus(policy, recipients(current));
          if (status === 'approved' || status === 'declined') closedAs = status;
        }
        const final = decideStatus(policy, recipients(current));
        if (closedAs) expect(final).toBe(closedAs);
        // Whatever the order, the outcome of the full answer set is the same when nobody stopped early.
        if (!closedAs) expect(['pending', 'partially_approved']).toContain(final);
      }),
    );
  });
});

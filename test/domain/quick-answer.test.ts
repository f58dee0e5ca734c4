import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { respond } from '../../functions/domain/approval-request.js';
import { ConflictError } from '../../functions/domain/errors.js';
import { approvalsToGo, quickAnswerOf } from '../../functions/domain/quick-answer.js';
import type { ApprovalRequest, Policy } from '../../functions/domain/types.js';
import { approver, newRequest } from './fixtures.js';
import { policyKind, policyOf } from './properties.js';

const LATER = '2026-11-25T11:00:00.000Z';

const answer = (request: ApprovalRequest, approverId: string, decision?: 'approve' | 'decline', feedback?: string) =>
  respond({ request, approverId, decision, feedback, actor: { kind: 'approver', id: approverId }, now: LATER });

const ids = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

/** The request after these approvers approved, one after another (each written whole). */
function approvedBy(request: ApprovalRequest, approvers: string[]): ApprovalRequest {
  return approvers.reduce((r, id) => answer(r, id, 'approve').after, request);
}

describe('quickAnswerOf: which answers skip the version check', () => {
  it('an approval that leaves others to approve is quick, and counts down approvalsToGo', () => {
    const request = approvedBy(newRequest(ids(4)), ['a0']);
    expect(approvalsToGo(request)).toBe(3);
    expect(quickAnswerOf(answer(request, 'a1', 'approve'), 'a1')).toEqual({ approverId: 'a1', from: 'partially_approved' });
  });

  it('the first approval is quick too, guarded on the request still being pending', () => {
    expect(quickAnswerOf(answer(newRequest(ids(3)), 'a0', 'approve'), 'a0')).toEqual({ approverId: 'a0', from: 'pending' });
  });

  it("an answer with feedback is written whole: only a whole write sees the request's feedback cap", () => {
    expect(quickAnswerOf(answer(newRequest(ids(3)), 'a1', undefined, 'Looks fine'), 'a1')).toBeNull();
    expect(quickAnswerOf(answer(newRequest(ids(3)), 'a1', 'approve', 'Fine by me'), 'a1')).toBeNull();
  });

  it('the approval that completes the request is written whole', () => {
    const request = approvedBy(newRequest(ids(3)), ['a0', 'a1']);
    expect(quickAnswerOf(answer(request, 'a2', 'approve'), 'a2')).toBeNull();
  });

  it('a decline is written whole, even when it leaves the request open', () => {
    const quorum: Policy = { type: 'quorum', count: 2 };
    const change = answer(newRequest(ids(4), { policy: quorum }), 'a0', 'decline');
    expect(change.after.status).toBe('pending');
    expect(quickAnswerOf(change, 'a0')).toBeNull();
  });

  it('staged requests are written whole', () => {
    const request = newRequest([], {
      stages: [
        { name: 'First', policy: { type: 'all' }, approvers: [approver('a0'), approver('a1')] },
        { name: 'Second', policy: { type: 'all' }, approvers: [approver('b0')] },
      ],
    });
    expect(approvalsToGo(request)).toBeNull();
    expect(quickAnswerOf(answer(request, 'a0', 'approve'), 'a0')).toBeNull();
  });
});

describe('a quick answer never leaves a status unmoved', () => {
  /*
   * The guards' promise: whatever other approvals were written since the answer's read (the
   * stale view), if the request's status is still the answer's `from` and approvalsToGo is
   * above 1 when it is written, then the answer applied to the request as it really is moves
   * the status exactly as the quick write does.
   */
  it('holds for every policy, list size and set of approvals written meanwhile', () => {
    let reached = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        policyKind,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.nat(),
        (size, kind, seenFlags, laterFlags, pick) => {
          const approvers = ids(size);
          const policy = policyOf(kind, size);
          const fresh = newRequest(approvers, { policy });
          const me = approvers[pick % size]!;
          const seen = approvers.filter((id, i) => id !== me && seenFlags[i]);
          const later = approvers.filter((id, i) => id !== me && !seenFlags[i] && laterFlags[i]);
          let stale: ApprovalRequest;
          let real: ApprovalRequest;
          let change: ReturnType<typeof answer>;
          try {
            stale = approvedBy(fresh, seen);
            real = approvedBy(stale, later);
            change = answer(stale, me, 'approve');
          } catch (error) {
            // The request closed on the way (the policy was met): no answer of mine to write.
            if (error instanceof ConflictError) return;
            throw error;
          }
          const quick = quickAnswerOf(change, me);
          if (!quick) return;
          // The guards, checked against the request as it really is when written.
          const toGo = approvalsToGo(real);
          if (real.status !== quick.from || (toGo ?? 0) <= 1) return;
          reached++;
          const truth = answer(real, me, 'approve').after;
          expect(truth.status).toBe('partially_approved');
          expect(approvalsToGo(truth)).toBe((toGo ?? 0) - 1);
        },
      ),
      { numRuns: 500 },
    );
    // Enough of the runs get past the cases the guards rule out to say something.
    expect(reached).toBeGreaterThan(50);
  });
});

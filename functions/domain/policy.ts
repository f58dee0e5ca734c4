import type { ApprovalRequest, OpenStatus, Policy, Recipient, RequestStatus } from './types.js';

export const DEFAULT_POLICY: Policy = { type: 'all' };

export function isOpen(status: RequestStatus): status is OpenStatus {
  return status === 'pending' || status === 'partially_approved';
}

/**
 * Those whose answer counts: not removed by an edit, not expired by a deadline's escalation, and
 * not a substitute's entry (the place is the delegator's entry, settled by either: delegation.ts).
 */
export function activeRecipients(recipients: readonly Recipient[]): Recipient[] {
  return recipients.filter((r) => r.status !== 'removed' && r.status !== 'expired' && !r.onBehalfOf);
}

/** How many approvals the policy needs from `activeCount` recipients. */
export function approvalsRequired(policy: Policy, activeCount: number): number {
  switch (policy.type) {
    case 'all':
      return activeCount;
    case 'any':
      return 1;
    case 'quorum':
      return policy.count;
  }
}

/**
 * The status rule: approved once the approvals reach the number required; declined exactly
 * when the approvals still possible (given plus outstanding) fall below it.
 */
export function decideStatus(policy: Policy, recipients: readonly Recipient[]): OpenStatus | 'approved' | 'declined' {
  const active = activeRecipients(recipients);
  const approvals = active.filter((r) => r.status === 'approved').length;
  const outstanding = active.filter((r) => r.status === 'pending').length;
  const required = approvalsRequired(policy, active.length);
  // Nobody left to answer (all expired by a deadline) approves nothing.
  if (active.length === 0) return 'declined';
  if (approvals >= required) return 'approved';
  if (approvals + outstanding < required) return 'declined';
  return approvals > 0 ? 'partially_approved' : 'pending';
}

/** A policy the recipients can still satisfy: quorum no larger than the list. */
export function isSatisfiable(policy: Policy, activeCount: number): boolean {
  return activeCount > 0 && approvalsRequired(policy, activeCount) <= activeCount;
}

export function openRequest(request: ApprovalRequest | null): ApprovalRequest | null {
  return request && isOpen(request.status) ? request : null;
}

import type { Change } from './approval-request.js';
import { activeRecipients, approvalsRequired, isOpen } from './policy.js';
import { isStaged } from './stages.js';
import type { ApprovalRequest } from './types.js';

/**
 * An answer that can be written without the request's version check. Most answers change only
 * their own recipient: fifty approvers answering at once would otherwise each rewrite the
 * request under its version and retry one another's conflicts. Such an answer may be written
 * with guards instead of the version:
 * - `baseVersion` unchanged: no other kind of change (edit, cancel, deadline, reminder…) since
 *   the read; those always write the whole request and move it;
 * - its own recipient unchanged (status, feedback): the same approver in two tabs;
 * - for an approval, `approvalsToGo` > 1 before it: another approval is still needed after it,
 *   however many others were written at the same moment (the counter is decremented by each);
 * - the request's status still the one the answer leaves (or `pending`, when the answer is the
 *   first approval: only one such write can win, the others see `partially_approved`).
 * Anything else (a decline, the completing approval, a delegated place, staged requests, a
 * change that mails or closes) is written the usual way, under the version.
 */
export interface QuickAnswer {
  approverId: string;
  /** The status the request has after it (`partially_approved` or unchanged). */
  status: ApprovalRequest['status'];
  /** The status it must have when written: `pending` when this answer is the first approval. */
  from: ApprovalRequest['status'];
  /** An approval: `approvalsToGo` must be above 1 and goes down by one. */
  countsApproval: boolean;
  /** The recipient as read (its write is guarded on these). */
  recipientStatus: string;
  feedbackCount: number;
}

/** How many more approvals the policy needs; null for staged requests (each stage counts its own). */
export function approvalsToGo(request: ApprovalRequest): number | null {
  if (isStaged(request)) return null;
  const active = activeRecipients(request.recipients);
  const approvals = active.filter((r) => r.status === 'approved').length;
  return approvalsRequired(request.policy, active.length) - approvals;
}

/** The answer's quick form, or null when it must be written under the request's version. */
export function quickAnswerOf(change: Change, approverId: string): QuickAnswer | null {
  const { before, after } = change;
  if (!before || isStaged(before) || change.mails.length > 0 || !isOpen(after.status)) return null;
  const firstApproval = before.status === 'pending' && after.status === 'partially_approved';
  if (after.status !== before.status && !firstApproval) return null;
  if (after.recipients.length !== before.recipients.length) return null;
  const changed = after.recipients.filter((r, i) => r !== before.recipients[i]);
  const was = before.recipients.find((r) => r.approverId === approverId);
  const now = changed[0];
  // Only the answering recipient changed (no delegated place settled with it).
  if (changed.length !== 1 || !was || now?.approverId !== approverId || was.onBehalfOf || was.delegatedTo) return null;
  const countsApproval = was.status === 'pending' && now.status === 'approved';
  if (now.status !== was.status && !countsApproval) return null;
  if (firstApproval && !countsApproval) return null;
  return {
    approverId,
    status: after.status,
    from: before.status,
    countsApproval,
    recipientStatus: was.status,
    feedbackCount: was.feedback.length,
  };
}

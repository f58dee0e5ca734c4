import type { Change } from './approval-request.js';
import { activeRecipients, approvalsRequired } from './policy.js';
import { isStaged } from './stages.js';
import type { ApprovalRequest } from './types.js';

/**
 * An approval that can be written without the request's version check. Most approvals change
 * only their own recipient: fifty approvers answering at once would otherwise each rewrite the
 * request under its version and retry one another's conflicts. Such an approval may be written
 * with guards instead of the version:
 * - `baseVersion` unchanged: no other kind of change (edit, cancel, deadline, reminder, a
 *   decline…) since the read; those always write the whole request and move it;
 * - its own recipient still pending (the same approver in two tabs);
 * - `approvalsToGo` > 1 before it: another approval is still needed after it, however many
 *   others were written at the same moment (each decrements the counter);
 * - the request's status still the one the approval leaves (or `pending`, when it is the first
 *   approval: only one such write can win, the others then see `partially_approved`).
 * Anything else is written the usual way, whole, under the version: a decline, the completing
 * approval, an answer with feedback (the request's total of feedback is capped, limits.ts, and
 * only a whole write sees it), a delegated place, staged requests, a change that mails or closes.
 */
export interface QuickAnswer {
  approverId: string;
  /** The status it must have when written: `pending` when this is the first approval. It has `partially_approved` after. */
  from: ApprovalRequest['status'];
}

/** How many more approvals the policy needs; null for staged requests (each stage counts its own). */
export function approvalsToGo(request: ApprovalRequest): number | null {
  if (isStaged(request)) return null;
  const active = activeRecipients(request.recipients);
  const approvals = active.filter((r) => r.status === 'approved').length;
  return approvalsRequired(request.policy, active.length) - approvals;
}

/** The answer's quick form, or null when it must be written whole, under the request's version. */
export function quickAnswerOf(change: Change, approverId: string): QuickAnswer | null {
  const { before, after } = change;
  if (!before || isStaged(before) || change.mails.length > 0 || after.status !== 'partially_approved') return null;
  if (before.status !== 'pending' && before.status !== 'partially_approved') return null;
  if (after.recipients.length !== before.recipients.length) return null;
  const changed = after.recipients.filter((r, i) => r !== before.recipients[i]);
  const was = before.recipients.find((r) => r.approverId === approverId);
  const now = changed[0];
  // Only the answering recipient changed (no delegated place settled with it), from pending to
  // approved, and with no feedback.
  if (changed.length !== 1 || !was || now?.approverId !== approverId || was.onBehalfOf || was.delegatedTo) return null;
  if (was.status !== 'pending' || now.status !== 'approved' || now.feedback.length !== was.feedback.length) return null;
  return { approverId, from: before.status };
}

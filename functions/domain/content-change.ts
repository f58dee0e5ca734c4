import { type ActivityEvent, activity, type RecipientRef } from './activity.js';
import { type Change, settle } from './approval-request.js';
import { approverContent, contentChanges, contentHashOf } from './content.js';
import { isOpen } from './policy.js';
import type { Actor, ApprovalRequest, MailJob, Recipient, TicketSnapshot } from './types.js';

export interface ChangeContentInput {
  /** The open request, with the conversation its approvers were shown. */
  request: ApprovalRequest;
  ticket: TicketSnapshot;
  actor: Actor;
  now: string;
}

/** The place of an approval given on older content: pending again, the stale approval kept as a record. */
function reopened(r: Recipient, previousHash: string, now: string): Recipient {
  return {
    ...r,
    status: 'pending',
    respondedAt: null,
    contentHash: null,
    signedInAs: null,
    authTime: null,
    staleApproval: { at: r.respondedAt ?? now, contentHash: r.contentHash ?? previousHash },
  };
}

/**
 * `PUT /tickets/{id}` while a request is open: a ticket that changes what approvers see makes a
 * new content version. With `reapprove` every approval given on an older version becomes stale:
 * that recipient is pending again (with `staleApproval`), is mailed what changed, and the status
 * is recomputed. With `keep` nothing becomes stale. A closed request never changes; the same
 * content changes nothing.
 */
export function changeContent({ request, ticket, actor, now }: ChangeContentInput): Change {
  const unchanged: Change = { before: request, after: request, events: [], mails: [] };
  if (!isOpen(request.status)) return unchanged;
  const before = approverContent(request);
  const after = approverContent({ ...request, ticket });
  const hash = contentHashOf(after);
  if (hash === request.content.hash) return unchanged;

  const from = request.content;
  const to = { version: from.version + 1, hash };
  const stale: RecipientRef[] = [];
  const mails: MailJob[] = [];
  const recipients = request.recipients.map((r) => {
    if (request.onContentChange !== 'reapprove' || r.status !== 'approved' || r.contentHash === hash) return r;
    stale.push({ approverId: r.approverId, name: r.name });
    mails.push({ kind: 'content_changed', approverId: r.approverId });
    return reopened(r, from.hash, now);
  });
  const changes = contentChanges(before, after);
  const events: ActivityEvent[] = [activity('content_changed', { at: now, actor, requestId: request.id }, { from, to, changes, stale })];
  const settled = settle({ ...request, ticket }, recipients, actor, now, events);
  return {
    before: request,
    after: { ...settled, content: to, contentChange: { at: now, from, to, changes } },
    events,
    mails,
  };
}

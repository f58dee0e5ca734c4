import { type ActivityEvent, activity, type RecipientRef } from './activity.js';
import { type Change, settle } from './approval-request.js';
import { assertEscalationRoom, pendingDeadline } from './deadline.js';
import { ConflictError, NotFoundError, UnprocessableError } from './errors.js';
import { GROWTH_LIMITS } from './limits.js';
import { activeRecipients, isOpen } from './policy.js';
import { newRecipient } from './recipient.js';
import { assertStageSatisfiable, isStaged } from './stages.js';
import type { Actor, ApprovalRequest, Approver, MailJob, Recipient } from './types.js';

/** Recipients one request may have at once, across all its stages (the create's list cap). */
export const MAX_ACTIVE_RECIPIENTS = 50;

export interface EditStageInput {
  request: ApprovalRequest;
  /** 1-based, as the request's `stages` show it. */
  index: number;
  /** The stage's whole new list (at least one). */
  approvers: Approver[];
  actor: Actor;
  now: string;
}

/**
 * Edit one stage: the list is the stage's whole new list. Kept recipients keep their response,
 * dropped ones become `removed`, added (or re-added) ones start pending. Only an edit of the
 * current stage mails (the newcomers); a later stage is mailed when it starts; a stage already
 * approved (an earlier one) is closed → 409 stage_closed. The current stage may be approved by
 * the edit (someone pending dropped), and the next one starts.
 */
export function editStage({ request, index, approvers, actor, now }: EditStageInput): Change {
  if (!isOpen(request.status)) {
    throw new ConflictError('request_closed', `The approval request is already ${request.status}.`, {
      details: { status: request.status },
    });
  }
  const stage = isStaged(request) ? request.stages!.find((s) => s.index === index) : undefined;
  if (!stage) throw new NotFoundError('not_found', `The approval request has no stage ${index}.`);
  const current = request.currentStage ?? 1;
  if (index < current) {
    throw new ConflictError('stage_closed', `Stage ${index} is already approved; only stage ${current} and later can be edited.`, {
      details: { stage: index, currentStage: current },
    });
  }
  const elsewhere = approvers.filter((a) => request.recipients.some((r) => r.approverId === a.approverId && r.stage !== index));
  if (elsewhere.length > 0) {
    throw new ConflictError('approver_in_other_stage', `Already in another stage: ${elsewhere.map((a) => a.approverId).join(', ')}.`, {
      details: { approverIds: elsewhere.map((a) => a.approverId) },
    });
  }
  assertStageSatisfiable(stage.policy, approvers.length, index);

  const wanted = new Map(approvers.map((a) => [a.approverId, a]));
  const mailNow = index === current;
  const added: RecipientRef[] = [];
  const removed: RecipientRef[] = [];
  const mails: MailJob[] = [];
  const ask = (a: Approver, feedback?: Recipient['feedback']) => {
    added.push({ approverId: a.approverId, name: a.name });
    if (mailNow) mails.push({ kind: 'request', approverId: a.approverId });
    return { ...newRecipient(a, now, feedback), stage: index };
  };
  const recipients = request.recipients.map((r): Recipient => {
    if (r.stage !== index) return r;
    const approver = wanted.get(r.approverId);
    if (!approver && r.status !== 'removed') {
      removed.push({ approverId: r.approverId, name: r.name });
      return { ...r, status: 'removed' };
    }
    if (approver && r.status === 'removed') return ask(approver, r.feedback);
    return r;
  });
  const known = new Set(request.recipients.map((r) => r.approverId));
  for (const approver of approvers) if (!known.has(approver.approverId)) recipients.push(ask(approver));

  const active = activeRecipients(recipients).length;
  if (recipients.length > GROWTH_LIMITS.recipientEntries || active > MAX_ACTIVE_RECIPIENTS) {
    throw new UnprocessableError(
      'too_many_recipients',
      `A request holds at most ${MAX_ACTIVE_RECIPIENTS} recipients at once across its stages and ${GROWTH_LIMITS.recipientEntries} entries, removed ones included.`,
      { details: { ...GROWTH_LIMITS, recipientsAtOnce: MAX_ACTIVE_RECIPIENTS } },
    );
  }
  assertEscalationRoom(recipients, pendingDeadline(request));
  if (added.length === 0 && removed.length === 0) return { before: request, after: request, events: [], mails: [] };
  const events: ActivityEvent[] = [
    activity('recipients_changed', { at: now, actor, requestId: request.id }, { added, removed, stage: index }),
  ];
  return { before: request, after: settle(request, recipients, actor, now, events, mails), events, mails };
}

import { type ActivityEvent, activity, type RecipientRef } from './activity.js';
import type { Change } from './approval-request.js';
import { ConflictError, UnprocessableError } from './errors.js';
import { GROWTH_LIMITS } from './limits.js';
import { isOpen } from './policy.js';
import { addHours, newRecipient } from './recipient.js';
import { inCurrentStage, settleStages } from './stages.js';
import type { Actor, ApprovalRequest, Approver, Deadline, MailJob, Recipient } from './types.js';

/** With automatic reminders, the last one before a deadline goes out this long before it. */
export const LAST_REMINDER_LEAD_HOURS = 1;

/**
 * A deadline as the API accepts it: `at` after `now` (kept in UTC, so times compare as strings),
 * and `escalateTo` given exactly when the outcome is `escalate`. Whether those are listed
 * approvers is the caller's to check (it needs the directory).
 */
export function checkDeadline(deadline: Deadline, now: string): Deadline {
  const at = new Date(deadline.at).toISOString();
  if (at <= now) {
    throw new UnprocessableError('deadline_not_in_future', `The deadline ${deadline.at} is not in the future.`, {
      details: { at: deadline.at, now },
    });
  }
  const escalateTo = deadline.escalateTo ?? [];
  if (deadline.outcome === 'escalate' && escalateTo.length === 0) {
    throw new UnprocessableError('escalate_to_required', 'A deadline that escalates needs escalateTo: whom to ask instead.');
  }
  if (deadline.outcome !== 'escalate' && deadline.escalateTo !== undefined) {
    throw new UnprocessableError('escalate_to_not_allowed', `escalateTo goes with the outcome "escalate" only, not "${deadline.outcome}".`);
  }
  return deadline.outcome === 'escalate' ? { at, outcome: 'escalate', escalateTo } : { at, outcome: deadline.outcome };
}

/** Recipient entries an escalation to these approvers would add (those not on the request yet). */
const newcomers = (recipients: readonly Recipient[], ids: readonly string[]) => {
  const known = new Set(recipients.map((r) => r.approverId));
  return ids.filter((id) => !known.has(id));
};

/**
 * An escalation must fit the request's cap on recipient entries (GROWTH_LIMITS.recipientEntries,
 * removed and expired ones included): a create, edit or deadline change after which the
 * escalation's newcomers would pass it is refused with 422 too_many_recipients.
 */
export function assertEscalationRoom(recipients: readonly Recipient[], deadline: Deadline | null): void {
  if (deadline?.outcome !== 'escalate') return;
  const adding = newcomers(recipients, deadline.escalateTo ?? []).length;
  if (recipients.length + adding > GROWTH_LIMITS.recipientEntries) {
    throw new UnprocessableError(
      'too_many_recipients',
      `The escalation would add ${adding} recipients to ${recipients.length}, past the cap of ${GROWTH_LIMITS.recipientEntries} per request.`,
      { details: { ...GROWTH_LIMITS, recipients: recipients.length, escalationAdds: adding } },
    );
  }
}

/** The deadline still to act on: set, not yet acted on, and the request still open. */
export function pendingDeadline(request: ApprovalRequest): Deadline | null {
  return isOpen(request.status) && request.deadline && !request.deadlinePassedAt ? request.deadline : null;
}

export function isDeadlineDue(request: ApprovalRequest, now: string): boolean {
  const deadline = pendingDeadline(request);
  return deadline !== null && deadline.at <= now;
}

/** When the due-work job must look at the request next: its next reminder or its deadline, whichever is first. */
export function nextDueAt(request: ApprovalRequest): string | null {
  if (!isOpen(request.status)) return null;
  const times = [request.nextReminderAt, pendingDeadline(request)?.at].filter((t): t is string => typeof t === 'string').sort();
  return times[0] ?? null;
}

/**
 * When the next automatic reminder goes out. One interval on, unless that is at or past a
 * pending deadline: then once more, LAST_REMINDER_LEAD_HOURS before it (if that is still
 * ahead), and after that none until the deadline has acted.
 */
export function scheduleReminder(candidate: string | null, deadline: Deadline | null, now: string): string | null {
  if (!candidate || !deadline || candidate < deadline.at) return candidate;
  const last = addHours(deadline.at, -LAST_REMINDER_LEAD_HOURS);
  return last > now ? last : null;
}

/** PUT …/approval/deadline: sets, replaces (also after an escalation) or removes the deadline of an open request. */
export function changeDeadline({
  request,
  deadline,
  actor,
  now,
}: {
  request: ApprovalRequest;
  deadline: Deadline | null;
  actor: Actor;
  now: string;
}): Change {
  if (!isOpen(request.status)) {
    throw new ConflictError('request_closed', `The approval request is already ${request.status}.`, {
      details: { status: request.status },
    });
  }
  const next = deadline ? checkDeadline(deadline, now) : null;
  assertEscalationRoom(request.recipients, next);
  if (JSON.stringify(next) === JSON.stringify(request.deadline) && !request.deadlinePassedAt) {
    return { before: request, after: request, events: [], mails: [] };
  }
  const candidate = request.nextReminderAt ?? (request.remindEveryHours ? addHours(now, request.remindEveryHours) : null);
  const after: ApprovalRequest = {
    ...request,
    deadline: next,
    deadlinePassedAt: null,
    nextReminderAt: scheduleReminder(candidate, next, now),
    updatedAt: now,
    version: request.version + 1,
  };
  return {
    before: request,
    after,
    events: [activity('deadline_changed', { at: now, actor, requestId: request.id }, { deadline: next })],
    mails: [],
  };
}

/**
 * Everyone still pending (in the current stage, on a staged request) becomes `expired`, and the
 * escalation's approvers are asked (and mailed) in their place, in that stage. One already
 * pending on the request stays pending and is not mailed again; one who already answered keeps
 * the answer; one removed earlier is asked anew. Never past the cap on recipient entries (the
 * create, edit and deadline change refuse what would pass it; this is the last guard).
 */
function escalate(request: ApprovalRequest, approvers: Approver[], now: string) {
  const targets = new Map(approvers.map((a) => [a.approverId, a]));
  const stage = request.currentStage !== undefined ? { stage: request.currentStage } : {};
  const expired: RecipientRef[] = [];
  const added: RecipientRef[] = [];
  const recipients = request.recipients.map((r): Recipient => {
    const target = targets.get(r.approverId);
    if (r.status === 'pending' && !target && inCurrentStage(request, r)) {
      expired.push({ approverId: r.approverId, name: r.name });
      return { ...r, status: 'expired' };
    }
    if (target && r.status === 'removed') {
      added.push({ approverId: r.approverId, name: target.name });
      return { ...newRecipient(target, now, r.feedback), ...stage };
    }
    return r;
  });
  const room = GROWTH_LIMITS.recipientEntries - recipients.length;
  const fresh = new Set(
    newcomers(
      request.recipients,
      approvers.map((a) => a.approverId),
    ).slice(0, Math.max(0, room)),
  );
  for (const approver of approvers) {
    if (!fresh.has(approver.approverId)) continue;
    recipients.push({ ...newRecipient(approver, now), ...stage });
    added.push({ approverId: approver.approverId, name: approver.name });
  }
  return { recipients, expired, added };
}

/**
 * The deadline acts, once: `decline` declines the request, `cancel` cancels it, `escalate`
 * hands the open places to `escalateTo` (the listed ones the caller found; the status then
 * follows the policy over who is left; an escalation to nobody declines). Not due, or the
 * request already closed: nothing changes.
 */
export function passDeadline({
  request,
  escalateTo,
  actor,
  now,
}: {
  request: ApprovalRequest;
  escalateTo: Approver[];
  actor: Actor;
  now: string;
}): Change {
  const deadline = pendingDeadline(request);
  if (!deadline || !isDeadlineDue(request, now)) return { before: request, after: request, events: [], mails: [] };
  const base = { at: now, actor, requestId: request.id };
  const events: ActivityEvent[] = [activity('deadline_passed', base, { deadline })];
  let after: ApprovalRequest = { ...request, deadlinePassedAt: now, updatedAt: now, version: request.version + 1 };
  let mails: MailJob[] = [];
  if (deadline.outcome === 'escalate') {
    const { recipients, expired, added } = escalate(request, escalateTo, now);
    events.push(activity('escalated', base, { expired, added }));
    mails = added.map((r) => ({ kind: 'request', approverId: r.approverId }));
    // An escalation that finds nobody still listed to ask declines: expiry alone never approves.
    const settled = settleStages(request, recipients, actor, now);
    const status = escalateTo.length === 0 ? 'declined' : settled.status;
    const open = isOpen(status);
    if (escalateTo.length > 0) {
      events.push(...settled.events);
      mails.push(...settled.mails);
    }
    after = {
      ...after,
      recipients,
      ...(settled.currentStage !== undefined && escalateTo.length > 0 ? { currentStage: settled.currentStage } : {}),
      status,
      closedAt: open ? null : now,
      closedReason: open ? null : 'deadline',
      nextReminderAt: open && request.remindEveryHours ? addHours(now, request.remindEveryHours) : null,
    };
  } else {
    const status = deadline.outcome === 'decline' ? 'declined' : 'canceled';
    after = { ...after, status, closedAt: now, closedReason: 'deadline', nextReminderAt: null };
  }
  if (after.status !== request.status) events.push(activity('status_changed', base, { from: request.status, to: after.status }));
  return { before: request, after, events, mails };
}

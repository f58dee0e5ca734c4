import { type ActivityEvent, activity, type RecipientRef } from './activity.js';
import { assertEscalationRoom, checkDeadline, isDeadlineDue, pendingDeadline, scheduleReminder } from './deadline.js';
import { assertPlaceOpen, settlePlace } from './delegation.js';
import { ConflictError, NotFoundError, TooManyRequestsError, UnprocessableError, ValidationError } from './errors.js';
import { GROWTH_LIMITS } from './limits.js';
import { DEFAULT_POLICY, isOpen, isSatisfiable } from './policy.js';
import { addHours, newRecipient } from './recipient.js';
import {
  assertMayDecide,
  assertRemindable,
  assertSeen,
  inCurrentStage,
  isStaged,
  openStages,
  type StageInput,
  settleStages,
} from './stages.js';
import type {
  Actor,
  ApprovalRequest,
  Approver,
  Deadline,
  MailJob,
  OnContentChange,
  Policy,
  Recipient,
  SignedInAs,
  TicketSnapshot,
} from './types.js';

/** What one command did: the request after it, what to log and what to mail. */
export interface Change {
  before: ApprovalRequest | null;
  after: ApprovalRequest;
  events: ActivityEvent[];
  mails: MailJob[];
}

export interface CreateRequestInput {
  id: string;
  ticketId: string;
  ticket: TicketSnapshot;
  approvers: Approver[];
  policy: Policy;
  message: string | null;
  remindEveryHours?: number | null;
  requireDeclineReason?: boolean;
  /** Checked here (in the future, escalateTo with escalate only); that escalateTo are listed is the caller's to check. */
  deadline?: Deadline | null;
  /** Sequential stages instead of `approvers` (which is then empty) and `policy` (then `all`): domain/stages.ts. */
  stages?: StageInput[] | undefined;
  /** `sha256:<hex>` of what the approvers are shown (content.ts; hashed by the caller, so that only creating bundles the canonicalizer). */
  contentHash?: string;
  /** What a later ticket change does to approvals given before it; `reapprove` unless given. */
  onContentChange?: OnContentChange;
  actor: Actor;
  now: string;
}

// A recipient as first asked lives in recipient.ts (the deadline's escalation asks people too).
export { newRecipient } from './recipient.js';

function assertSatisfiable(policy: Policy, count: number): void {
  if (!isSatisfiable(policy, count)) {
    throw new UnprocessableError(
      'quorum_unreachable',
      `The quorum of ${policy.type === 'quorum' ? policy.count : count} approvals cannot be reached by ${count} recipients.`,
      { details: { recipients: count } },
    );
  }
}

export function createRequest(input: CreateRequestInput): Change {
  const { id, ticketId, ticket, approvers, policy, message, actor, now } = input;
  const remindEveryHours = input.remindEveryHours ?? null;
  const staged = input.stages?.length ? openStages(input.stages, now) : null;
  if (!staged) assertSatisfiable(policy, approvers.length);
  const deadline = input.deadline ? checkDeadline(input.deadline, now) : null;
  const recipients = staged ? staged.recipients : approvers.map((a) => newRecipient(a, now));
  assertEscalationRoom(recipients, deadline);
  const after: ApprovalRequest = {
    id,
    ticketId,
    status: 'pending',
    policy: staged ? DEFAULT_POLICY : policy,
    message,
    requestedBy: actor,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    remindEveryHours,
    nextReminderAt: remindEveryHours ? scheduleReminder(addHours(now, remindEveryHours), deadline, now) : null,
    requireDeclineReason: input.requireDeclineReason ?? false,
    deadline,
    deadlinePassedAt: null,
    closedReason: null,
    version: 1,
    ticket,
    recipients,
    ...(staged ? { stages: staged.stages, currentStage: 1 } : {}),
    content: { version: 1, hash: input.contentHash ?? '' },
    onContentChange: input.onContentChange ?? 'reapprove',
    contentChange: null,
  };
  const base = { at: now, actor, requestId: id };
  return {
    before: null,
    after,
    events: [
      activity('request_created', base, { recipients: recipients.map((r) => r.approverId), policy, ...(deadline ? { deadline } : {}) }),
    ],
    mails: staged ? staged.mails : recipients.map((r) => ({ kind: 'request', approverId: r.approverId })),
  };
}

function assertOpen(request: ApprovalRequest): void {
  if (!isOpen(request.status)) {
    throw new ConflictError('request_closed', `The approval request is already ${request.status}.`, {
      details: { status: request.status },
    });
  }
}

/**
 * Applies recipient changes, recomputes the status (by the stages, if any: the next stage may
 * start and be mailed) and records a status change if any.
 */
export function settle(
  before: ApprovalRequest,
  recipients: Recipient[],
  actor: Actor,
  now: string,
  events: ActivityEvent[],
  mails: MailJob[] = [],
) {
  const { status, currentStage, mails: started, events: stageEvents } = settleStages(before, recipients, actor, now);
  events.push(...stageEvents);
  mails.push(...started);
  const after: ApprovalRequest = {
    ...before,
    recipients,
    ...(currentStage !== undefined ? { currentStage } : {}),
    status,
    updatedAt: now,
    closedAt: isOpen(status) ? null : now,
    nextReminderAt: isOpen(status) ? before.nextReminderAt : null,
    version: before.version + 1,
  };
  if (status !== before.status) {
    events.push(activity('status_changed', { at: now, actor, requestId: before.id }, { from: before.status, to: status }));
  }
  return after;
}

export interface EditRecipientsInput {
  request: ApprovalRequest;
  approvers: Approver[];
  actor: Actor;
  now: string;
}

/**
 * Edit request: the list is the whole new recipient list. Kept recipients keep their response,
 * dropped ones become `removed`, added (or re-added) ones start pending and are mailed.
 * An empty list cancels the request.
 */
export function editRecipients({ request, approvers: named, actor, now }: EditRecipientsInput): Change {
  assertOpen(request);
  // A substitute's entry follows its delegator's place (delegation.ts), whatever the list says of it.
  const substitutes = new Set(request.recipients.filter((r) => r.onBehalfOf).map((r) => r.approverId));
  const approvers = named.filter((a) => !substitutes.has(a.approverId));
  if (approvers.length === 0) return cancelRequest({ request, actor, now });
  if (isStaged(request)) {
    throw new ConflictError('staged_request', 'This request has stages: edit one stage with PUT …/approval/stages/{index}/recipients.');
  }
  assertSatisfiable(request.policy, approvers.length);

  const wanted = new Map(approvers.map((a) => [a.approverId, a]));
  const added: RecipientRef[] = [];
  const removed: RecipientRef[] = [];
  const mails: MailJob[] = [];
  const recipients = request.recipients.map((r): Recipient => {
    if (r.onBehalfOf) {
      if (r.status === 'removed' || wanted.has(r.onBehalfOf)) return r;
      removed.push({ approverId: r.approverId, name: r.name });
      return { ...r, status: 'removed' };
    }
    const approver = wanted.get(r.approverId);
    if (!approver && r.status !== 'removed') {
      removed.push({ approverId: r.approverId, name: r.name });
      return { ...r, status: 'removed' };
    }
    if (approver && r.status === 'removed') {
      added.push({ approverId: r.approverId, name: approver.name });
      mails.push({ kind: 'request', approverId: r.approverId });
      return newRecipient(approver, now, r.feedback);
    }
    return r;
  });
  const known = new Set(request.recipients.map((r) => r.approverId));
  for (const approver of approvers) {
    if (known.has(approver.approverId)) continue;
    recipients.push(newRecipient(approver, now));
    added.push({ approverId: approver.approverId, name: approver.name });
    mails.push({ kind: 'request', approverId: approver.approverId });
  }
  if (recipients.length > GROWTH_LIMITS.recipientEntries) {
    throw new UnprocessableError('too_many_recipients', 'Too many recipients, removed ones included; cancel and ask anew.', {
      details: GROWTH_LIMITS,
    });
  }
  assertEscalationRoom(recipients, pendingDeadline(request));
  if (added.length === 0 && removed.length === 0) return { before: request, after: request, events: [], mails };
  const events: ActivityEvent[] = [activity('recipients_changed', { at: now, actor, requestId: request.id }, { added, removed })];
  return { before: request, after: settle(request, recipients, actor, now, events, mails), events, mails };
}

export function cancelRequest({ request, actor, now }: { request: ApprovalRequest; actor: Actor; now: string }): Change {
  assertOpen(request);
  const base = { at: now, actor, requestId: request.id };
  const after: ApprovalRequest = {
    ...request,
    status: 'canceled',
    updatedAt: now,
    closedAt: now,
    nextReminderAt: null,
    version: request.version + 1,
  };
  return {
    before: request,
    after,
    events: [activity('request_canceled', base, {}), activity('status_changed', base, { from: request.status, to: 'canceled' })],
    mails: [],
  };
}

function recipientOf(request: ApprovalRequest, approverId: string): Recipient {
  const recipient = request.recipients.find((r) => r.approverId === approverId);
  if (!recipient) throw new NotFoundError('not_found', 'No such approval request.');
  return recipient;
}

/** Feedback is capped per recipient and per request (limits.ts); past a cap → 422. */
function assertFeedbackRoom(request: ApprovalRequest, recipient: Recipient): void {
  const onRequest = request.recipients.reduce((n, r) => n + r.feedback.length, 0);
  if (recipient.feedback.length >= GROWTH_LIMITS.feedbackPerRecipient || onRequest >= GROWTH_LIMITS.feedbackPerRequest) {
    throw new UnprocessableError('feedback_limit', 'No more feedback fits on this request.', { details: GROWTH_LIMITS });
  }
}

/** Who answered: the login signed in to the portal, and when it signed in. */
export interface Respondent {
  signedInAs: SignedInAs;
  /** The token's `auth_time`, ISO; null when the token has none. */
  authTime: string | null;
}

export interface RespondInput {
  request: ApprovalRequest;
  approverId: string;
  decision?: 'approve' | 'decline' | undefined;
  feedback?: string | undefined;
  /** The content hash the approver was shown; another than the current one → 409 content_changed. */
  contentHash?: string | undefined;
  respondent?: Respondent | undefined;
  actor: Actor;
  now: string;
}

/**
 * The place is bound to one login: the approver's when the recipient was added, or the first one
 * that answered. Another login (an approver id re-listed with someone else's email) sees nothing.
 */
export function assertBoundTo(recipient: Recipient, sub: string): void {
  if (recipient.loginSub !== null && recipient.loginSub !== sub) throw new NotFoundError('not_found', 'No such approval request.');
}

function assertContent(request: ApprovalRequest, contentHash: string | undefined): void {
  if (contentHash !== undefined && request.content.hash !== '' && contentHash !== request.content.hash) {
    throw new ConflictError('content_changed', 'What you were shown has changed since; review the request again before answering.', {
      details: { current: request.content.hash, version: request.content.version },
    });
  }
}

/** An approver's answer: a decision, feedback, or both (a decline with its reason). */
export function respond({ request, approverId, decision, feedback, contentHash, respondent, actor, now }: RespondInput): Change {
  const current = recipientOf(request, approverId);
  assertSeen(request, current);
  if (respondent) assertBoundTo(current, respondent.signedInAs.sub);
  if (current.status === 'removed') {
    throw new ConflictError('recipient_removed', 'You were removed from this approval request.');
  }
  if (current.status === 'expired') {
    throw new ConflictError('recipient_expired', 'The deadline passed before you answered, and the request went to others.');
  }
  assertOpen(request);
  if (isDeadlineDue(request, now)) {
    // Past the deadline the request's outcome is the deadline's; the due-work job records it shortly.
    throw new ConflictError('deadline_passed', `The deadline for answers passed at ${request.deadline?.at}.`, {
      details: { deadline: request.deadline },
    });
  }
  if (decision && current.status !== 'pending') {
    assertPlaceOpen(request, current);
    throw new ConflictError('already_decided', `You already ${current.status} this request.`, {
      details: { status: current.status },
    });
  }
  if (decision) assertMayDecide(request, current);
  if (decision === 'decline' && request.requireDeclineReason && feedback === undefined) {
    throw new ValidationError('reason_required', 'This request needs a reason with a decline: send it as feedback.');
  }
  assertContent(request, contentHash);
  const base = { at: now, actor, requestId: request.id };
  // Every recorded answer keeps the content it was given on and who signed in to give it.
  const evidence = {
    contentHash: request.content.hash,
    ...(respondent ? { signedInAs: respondent.signedInAs, authTime: respondent.authTime } : {}),
  };
  const events: ActivityEvent[] = [];
  let next: Recipient = respondent && current.loginSub === null ? { ...current, loginSub: respondent.signedInAs.sub } : current;
  if (feedback !== undefined) {
    assertFeedbackRoom(request, current);
    next = { ...next, feedback: [...next.feedback, { body: feedback, at: now }] };
    events.push(activity('feedback_given', base, { approverId, body: feedback, ...evidence }));
  }
  if (decision) {
    const status = decision === 'approve' ? 'approved' : 'declined';
    next = {
      ...next,
      status,
      respondedAt: now,
      contentHash: request.content.hash,
      signedInAs: respondent?.signedInAs ?? null,
      authTime: respondent?.authTime ?? null,
    };
    const onBehalfOf = current.onBehalfOf ? { onBehalfOf: current.onBehalfOf } : {};
    events.push(activity('response_recorded', base, { approverId, decision: status, ...evidence, ...onBehalfOf }));
  }
  const answered = request.recipients.map((r) => (r.approverId === approverId ? next : r));
  const recipients = decision ? settlePlace(answered, next, now) : answered;
  const mails: MailJob[] = [];
  return { before: request, after: settle(request, recipients, actor, now, events, mails), events, mails };
}

/** One reminder per recipient per this many seconds: a reminder is a mail in someone's inbox. */
export const MIN_REMINDER_GAP_SECONDS = 600;

export function remind({
  request,
  approverId,
  actor,
  now,
}: {
  request: ApprovalRequest;
  approverId: string;
  actor: Actor;
  now: string;
}): Change {
  const current = recipientOf(request, approverId);
  assertOpen(request);
  if (current.status === 'removed') {
    throw new ConflictError('recipient_removed', `${current.name} is no longer a recipient of this request.`, {
      details: { status: current.status },
    });
  }
  if (current.status !== 'pending') {
    throw new ConflictError('already_responded', `${current.name} has already ${current.status}.`, {
      details: { status: current.status },
    });
  }
  assertRemindable(request, current);
  const waitSeconds = current.remindedAt
    ? Math.ceil((Date.parse(current.remindedAt) + MIN_REMINDER_GAP_SECONDS * 1000 - Date.parse(now)) / 1000)
    : 0;
  if (waitSeconds > 0) {
    throw new TooManyRequestsError(
      'reminder_too_soon',
      `${current.name} was reminded at ${current.remindedAt}; the next reminder can go out in ${waitSeconds} s.`,
      waitSeconds,
      { details: { remindedAt: current.remindedAt, retryAfterSeconds: waitSeconds } },
    );
  }
  const next: Recipient = { ...current, reminders: current.reminders + 1, remindedAt: now };
  const after: ApprovalRequest = {
    ...request,
    recipients: request.recipients.map((r) => (r.approverId === approverId ? next : r)),
    updatedAt: now,
    version: request.version + 1,
  };
  return {
    before: request,
    after,
    events: [activity('reminder_requested', { at: now, actor, requestId: request.id }, { approverId })],
    mails: [{ kind: 'reminder', approverId }],
  };
}

/** The Approval status column: a canceled request leaves no status behind. */
export function approvalStatusOf(request: ApprovalRequest | null) {
  return request && request.status !== 'canceled' ? request.status : null;
}

/**
 * The automatic reminder that is due: mail everyone still pending again and schedule the next.
 * Nothing to do (closed, not due, nobody pending) returns the request unchanged.
 */
export function remindDue({ request, actor, now }: { request: ApprovalRequest; actor: Actor; now: string }): Change {
  const unchanged = { before: request, after: request, events: [], mails: [] };
  if (!isOpen(request.status) || !request.nextReminderAt || request.nextReminderAt > now || !request.remindEveryHours) return unchanged;
  // A place handed to a substitute is reminded through the substitute (the delegator is away).
  const pending = request.recipients.filter((r) => r.status === 'pending' && inCurrentStage(request, r) && !r.delegatedTo);
  const ids = new Set(pending.map((r) => r.approverId));
  const after: ApprovalRequest = {
    ...request,
    recipients: request.recipients.map((r) => (ids.has(r.approverId) ? { ...r, reminders: r.reminders + 1, remindedAt: now } : r)),
    nextReminderAt: scheduleReminder(addHours(now, request.remindEveryHours), pendingDeadline(request), now),
    updatedAt: now,
    version: request.version + 1,
  };
  const base = { at: now, actor, requestId: request.id };
  return {
    before: request,
    after,
    events: pending.map((r) => activity('reminder_requested', base, { approverId: r.approverId })),
    mails: pending.map((r) => ({ kind: 'reminder' as const, approverId: r.approverId })),
  };
}

import { type ActivityEvent, activity } from './activity.js';
import { ConflictError, NotFoundError, UnprocessableError } from './errors.js';
import { decideStatus, isOpen, isSatisfiable } from './policy.js';
import { newRecipient } from './recipient.js';
import type { Actor, ApprovalRequest, Approver, MailJob, OpenStatus, Policy, Recipient, RequestStatus, Stage } from './types.js';

/*
 * Sequential stages: a request asks its stages in order (1, 2, …). Only the current stage's
 * recipients are mailed and may decide; when the current stage is approved by its own policy the
 * next one starts (and is mailed); a declined stage declines the request. A request without
 * stages is one implicit stage: every rule below then reduces to the plain policy.
 */

export const STAGE_COUNT = { min: 2, max: 5 } as const;

/** A stage as asked for on create. */
export interface StageInput {
  name: string | null;
  policy: Policy;
  approvers: Approver[];
}

/** How far a staged request has come: the Approvals tab, the portal and the Tickets column show it. */
export interface StageProgress {
  /** The stage being asked now (or the one that closed the request). */
  current: number;
  total: number;
  /** Stages approved so far. */
  approved: number;
  /** "Stage 1 of 2 approved"; before any stage is approved "Stage 1 of 2 pending". */
  label: string;
}

/** A stage's status: `not_started` until it starts; then its policy over its own recipients. */
export type StageStatus = 'not_started' | RequestStatus;

export const isStaged = (request: Pick<ApprovalRequest, 'stages'>): boolean => (request.stages?.length ?? 0) > 0;

/** Whether the recipient's stage has started (always, on a request without stages). */
export function hasStarted(request: Pick<ApprovalRequest, 'stages' | 'currentStage'>, r: Pick<Recipient, 'stage'>): boolean {
  return !isStaged(request) || (r.stage ?? 1) <= (request.currentStage ?? 1);
}

/** Whether the recipient belongs to the stage asked now (always, on a request without stages). */
export function inCurrentStage(request: Pick<ApprovalRequest, 'stages' | 'currentStage'>, r: Pick<Recipient, 'stage'>): boolean {
  return !isStaged(request) || (r.stage ?? 1) === (request.currentStage ?? 1);
}

export const recipientsOfStage = (recipients: readonly Recipient[], index: number) => recipients.filter((r) => r.stage === index);

/** The stages and their recipients of a new staged request; only the first stage is mailed. */
export function openStages(stages: StageInput[], now: string) {
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  stages.forEach((stage, i) => {
    assertStageSatisfiable(stage.policy, stage.approvers.length, i + 1);
    for (const a of stage.approvers) {
      if (seen.has(a.approverId)) {
        throw new ConflictError('approver_in_other_stage', `${a.approverId} is in more than one stage.`, {
          details: { approverId: a.approverId },
        });
      }
      seen.add(a.approverId);
      recipients.push({ ...newRecipient(a, now), stage: i + 1 });
    }
  });
  return {
    stages: stages.map((s, i): Stage => ({ index: i + 1, name: s.name, policy: s.policy })),
    recipients,
    mails: recipients.filter((r) => r.stage === 1).map((r): MailJob => ({ kind: 'request', approverId: r.approverId })),
  };
}

export function assertStageSatisfiable(policy: Policy, count: number, index: number): void {
  if (!isSatisfiable(policy, count)) {
    throw new UnprocessableError(
      'quorum_unreachable',
      `Stage ${index}: the quorum of ${policy.type === 'quorum' ? policy.count : count} approvals cannot be reached by ${count} recipients.`,
      { details: { stage: index, recipients: count } },
    );
  }
}

/**
 * The status rule over stages. From the current stage on: a stage approved by its policy starts
 * the next (its pending recipients are mailed, `stage_started` is logged); the last stage approved
 * approves the request; a declined stage declines it. Open: `pending` until the first approval
 * anywhere, `partially_approved` after it (so always once stage 1 is through).
 */
export function settleStages(
  request: ApprovalRequest,
  recipients: Recipient[],
  actor: Actor,
  now: string,
): { status: OpenStatus | 'approved' | 'declined'; currentStage: number | undefined; mails: MailJob[]; events: ActivityEvent[] } {
  if (!isStaged(request)) return { status: decideStatus(request.policy, recipients), currentStage: undefined, mails: [], events: [] };
  const stages = request.stages!;
  let current = request.currentStage ?? 1;
  const mails: MailJob[] = [];
  const events: ActivityEvent[] = [];
  for (;;) {
    const stage = stages[current - 1]!;
    const status = decideStatus(stage.policy, recipientsOfStage(recipients, current));
    if (status === 'approved' && current < stages.length) {
      current += 1;
      // A place handed to a substitute is asked through the substitute (the delegator is away).
      const asked = recipientsOfStage(recipients, current).filter((r) => r.status === 'pending' && !r.delegatedTo);
      mails.push(...asked.map((r): MailJob => ({ kind: 'request', approverId: r.approverId })));
      events.push(
        activity(
          'stage_started',
          { at: now, actor, requestId: request.id },
          { stage: current, name: stages[current - 1]!.name, recipients: asked.map((r) => r.approverId) },
        ),
      );
      continue;
    }
    if (status === 'approved' || status === 'declined') return { status, currentStage: current, mails, events };
    const open: OpenStatus = current > 1 || status === 'partially_approved' ? 'partially_approved' : 'pending';
    return { status: open, currentStage: current, mails, events };
  }
}

/** A stage's status as the Approvals tab shows it. */
export function stageStatus(request: ApprovalRequest, index: number): StageStatus {
  const current = request.currentStage ?? 1;
  if (index > current) return 'not_started';
  const derived = decideStatus(request.stages![index - 1]!.policy, recipientsOfStage(request.recipients, index));
  // The stage open when the request closed otherwise (canceled, or declined by a deadline) closed with it.
  if (index === current && isOpen(derived) && !isOpen(request.status)) return request.status;
  return derived;
}

export function stageProgress(request: ApprovalRequest): StageProgress | null {
  if (!isStaged(request)) return null;
  const total = request.stages!.length;
  const current = request.currentStage ?? 1;
  const approved = request.stages!.filter((s) => stageStatus(request, s.index) === 'approved').length;
  const status = stageStatus(request, current);
  const label =
    status === 'declined' || status === 'canceled'
      ? `Stage ${current} of ${total} ${status}`
      : approved === 0
        ? `Stage 1 of ${total} pending`
        : `Stage ${approved} of ${total} approved`;
  return { current, total, approved, label };
}

/**
 * What a recipient may do now: answer only in the current stage. One whose stage has not started
 * does not see the request (404, as if not a recipient yet); one in a stage already approved may
 * no longer decide (409 stage_closed).
 */
export function assertMayDecide(request: ApprovalRequest, r: Recipient): void {
  assertSeen(request, r);
  if (!inCurrentStage(request, r)) {
    throw new ConflictError(
      'stage_closed',
      `Stage ${r.stage} is already ${stageStatus(request, r.stage ?? 1)}; it takes no more decisions.`,
      {
        details: { stage: r.stage },
      },
    );
  }
}

/** A recipient of a stage that has not started is not shown the request. */
export function assertSeen(request: ApprovalRequest, r: Recipient): void {
  if (!hasStarted(request, r)) throw new NotFoundError('not_found', 'No such approval request.');
}

/** A technician's reminder goes to the current stage only. */
export function assertRemindable(request: ApprovalRequest, r: Recipient): void {
  if (inCurrentStage(request, r)) return;
  if (!hasStarted(request, r)) {
    throw new ConflictError(
      'stage_not_started',
      `${r.name} is in stage ${r.stage}, which has not started; the mail goes out when it starts.`,
      {
        details: { stage: r.stage, currentStage: request.currentStage },
      },
    );
  }
  throw new ConflictError('stage_closed', `${r.name} is in stage ${r.stage}, which is already closed.`, { details: { stage: r.stage } });
}

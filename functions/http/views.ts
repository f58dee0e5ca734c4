import type { Delegation } from '../domain/delegation.js';
import { isActive } from '../domain/delegation.js';
import { isOpen } from '../domain/policy.js';
import { recipientStanding } from '../domain/recipient.js';
import { inCurrentStage, type StageProgress, stageProgress, stageStatus } from '../domain/stages.js';
import type { ApprovalRequest, Approver, Recipient, RequestStatus, TicketSnapshot } from '../domain/types.js';

/** How the API shows things: plain JSON, derived from the domain's data. */
export const STATUS_LABELS = {
  pending: 'Pending approval',
  partially_approved: 'Partially approved',
  approved: 'Approved',
  declined: 'Declined',
  canceled: 'Canceled',
} as const;

/** A recipient as the API shows it: its standing, the mail jobs' fields and its stage (null without stages). */
export function recipientView(r: Recipient) {
  return {
    ...recipientStanding(r),
    sentAt: r.sentAt,
    mailError: r.mailError,
    deliveryProblem: r.deliveryProblem,
    stage: r.stage ?? null,
  };
}

/** A staged request's stages, each with its status and its recipients' ids; null without stages. */
function stagesView(request: ApprovalRequest) {
  return (
    request.stages?.map((s) => ({
      index: s.index,
      name: s.name,
      status: stageStatus(request, s.index),
      policy: s.policy,
      recipients: request.recipients.filter((r) => r.stage === s.index).map((r) => r.approverId),
    })) ?? null
  );
}

/** The Approvals tab. */
export function approvalView(request: ApprovalRequest) {
  return {
    id: request.id,
    ticketId: request.ticketId,
    status: request.status,
    statusLabel: STATUS_LABELS[request.status],
    policy: request.policy,
    message: request.message,
    requestedBy: request.requestedBy,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    closedAt: request.closedAt,
    remindEveryHours: request.remindEveryHours,
    nextReminderAt: request.nextReminderAt,
    requireDeclineReason: request.requireDeclineReason,
    deadline: request.deadline,
    deadlinePassedAt: request.deadlinePassedAt,
    closedReason: request.closedReason,
    content: request.content,
    onContentChange: request.onContentChange,
    contentChange: request.contentChange,
    ticket: { number: request.ticket.number, subject: request.ticket.subject, requester: request.ticket.requester },
    recipients: request.recipients.map(recipientView),
    stages: stagesView(request),
    currentStage: request.currentStage ?? null,
    stageProgress: stageProgress(request),
  };
}

/** Another recipient of the request by id and name (whom a substitute stands in for, who settled a place). */
function personOf(request: ApprovalRequest, approverId: string | null | undefined) {
  const r = approverId ? request.recipients.find((x) => x.approverId === approverId) : undefined;
  return r ? { approverId: r.approverId, name: r.name } : null;
}

/** One request as its recipient sees it in the portal. */
export function portalView(request: ApprovalRequest, recipient: Recipient) {
  const open = isOpen(request.status);
  return {
    id: request.id,
    status: request.status,
    statusLabel: STATUS_LABELS[request.status],
    ticket: request.ticket,
    message: request.message,
    requestedBy: { name: request.requestedBy.name ?? null, email: request.requestedBy.email ?? null },
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    closedAt: request.closedAt,
    you: {
      approverId: recipient.approverId,
      kind: recipient.kind,
      name: recipient.name,
      status: recipient.status,
      respondedAt: recipient.respondedAt,
      feedback: recipient.feedback,
      contentHash: recipient.contentHash,
      staleApproval: recipient.staleApproval,
      onBehalfOf: personOf(request, recipient.onBehalfOf),
      answeredBy: personOf(request, recipient.answeredBy),
    },
    /** What this page shows, hashed: the portal sends `content.hash` back with every answer. */
    content: request.content,
    contentChange: request.contentChange,
    requireDeclineReason: request.requireDeclineReason,
    /** When answers are due and what happens then; whom an escalation asks is the technician's business. */
    deadline: request.deadline ? { at: request.deadline.at, outcome: request.deadline.outcome } : null,
    deadlinePassedAt: request.deadlinePassedAt,
    closedReason: request.closedReason,
    /** The caller's stage on a staged request (the portal shows it with the progress). */
    stage: recipient.stage
      ? { index: recipient.stage, name: request.stages?.[recipient.stage - 1]?.name ?? null, total: request.stages?.length ?? 0 }
      : null,
    stageProgress: stageProgress(request),
    canDecide: open && recipient.status === 'pending' && inCurrentStage(request, recipient),
    canGiveFeedback: open && recipient.status !== 'removed' && recipient.status !== 'expired',
  };
}

export function approverView(a: Approver) {
  return { approverId: a.approverId, kind: a.kind, name: a.name, email: a.email, createdAt: a.createdAt, updatedAt: a.updatedAt };
}

/** One ticket of the helpdesk's Approval status column. */
export function ticketColumnView(t: {
  ticketId: string;
  snapshot: Pick<TicketSnapshot, 'number' | 'subject'> | null;
  approvalStatus: RequestStatus | null;
  stageProgress?: StageProgress | null;
}) {
  return {
    ticketId: t.ticketId,
    number: t.snapshot?.number ?? null,
    subject: t.snapshot?.subject ?? null,
    approvalStatus: t.approvalStatus,
    // A canceled request leaves no status, and no progress, behind.
    stageProgress: t.approvalStatus ? (t.stageProgress ?? null) : null,
  };
}

/** An approver's delegation (out of office); `null` when none is set or it has ended. */
export function delegationView(d: Delegation | null, now = new Date().toISOString()) {
  return {
    delegation: d
      ? {
          approverId: d.approverId,
          substituteId: d.substituteId,
          substituteName: d.substituteName,
          from: d.from,
          until: d.until,
          note: d.note,
          active: isActive(d, now),
          setBy: d.setBy.kind === 'technician' ? 'technician' : 'approver',
          setAt: d.setAt,
        }
      : null,
  };
}

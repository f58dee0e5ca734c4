import { type Change, cancelRequest, createRequest, editRecipients, remind } from '../domain/approval-request.js';
import { approverContent, contentHashOf } from '../domain/content.js';
import { changeDeadline } from '../domain/deadline.js';
import { delegateNewRequest } from '../domain/delegation.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../domain/errors.js';
import { DEFAULT_POLICY, isOpen } from '../domain/policy.js';
import { editStage } from '../domain/stage-edit.js';
import type { Actor, ApprovalRequest, Approver, Deadline, OnContentChange, Policy, TicketSnapshot } from '../domain/types.js';
import { loadTab, loadTabAndApprover, newRequestId, saveChange, type Tab } from '../store/approval-repository.js';
import { contentVersionWrite } from '../store/content-versions.js';
import { getApproversAndDelegations } from '../store/delegation-repository.js';
import { type DirectoryEntry, getApprovers, toApprover } from '../store/directory-repository.js';
import { retryOnStaleState } from '../store/transaction.js';
import { handoversFrom } from './delegation.js';

const now = () => new Date().toISOString();

/** The listed approvers for these ids, or 422 naming the unknown and delisted ones. */
export async function listedApprovers(approverIds: string[]): Promise<Approver[]> {
  if (approverIds.length === 0) return [];
  return listedOf(approverIds, await getApprovers(approverIds));
}

/** listedApprovers from directory entries read already. */
function listedOf(approverIds: string[], entries: Map<string, DirectoryEntry>): Approver[] {
  const missing = approverIds.filter((id) => !entries.get(id)?.listed);
  if (missing.length > 0) {
    throw new UnprocessableError('unknown_approvers', `Not listed approvers: ${missing.join(', ')}.`, {
      details: { approverIds: missing },
    });
  }
  return approverIds.map((id) => toApprover(entries.get(id)!));
}

export interface CreateApprovalInput {
  /** One list, or `stages` instead. */
  recipients?: string[] | undefined;
  stages?: { name?: string | undefined; recipients: string[]; policy?: Policy | undefined }[] | undefined;
  message?: string | null | undefined;
  policy?: Policy | undefined;
  remindEveryHours?: number | undefined;
  requireDeclineReason?: boolean | undefined;
  deadline?: Deadline | undefined;
  onContentChange?: OnContentChange | undefined;
  ticket: TicketSnapshot;
}

export async function createApproval(ticketId: string, input: CreateApprovalInput, actor: Actor): Promise<ApprovalRequest> {
  // One read for the recipients and the deadline's escalation alike: who is listed, and which
  // recipients are away (their delegations).
  const named = input.recipients ?? input.stages?.flatMap((s) => s.recipients) ?? [];
  const everyone = [...new Set([...named, ...(input.deadline?.escalateTo ?? [])])];
  const { entries, delegations } = await getApproversAndDelegations(everyone, named);
  const listed = new Map(listedOf(everyone, entries).map((a) => [a.approverId, a]));
  const approvers = (input.recipients ?? []).map((id) => listed.get(id)!);
  const stages = input.stages?.map((s) => ({
    name: s.name ?? null,
    policy: s.policy ?? DEFAULT_POLICY,
    approvers: s.recipients.map((id) => listed.get(id)!),
  }));
  const policy = input.policy ?? DEFAULT_POLICY;
  const message = input.message || null;
  const contentHash = contentHashOf(
    approverContent({
      ticket: input.ticket,
      message,
      policy,
      stages: stages?.map((s, i) => ({ index: i + 1, name: s.name, policy: s.policy })),
    }),
  );
  // Recipients away: their places go to their substitutes (domain/delegation.ts).
  const handovers = await handoversFrom(delegations, named, now());
  // Again after a same-moment TransactionConflict on the ticket item (AWS): a fresh id, a fresh try.
  return retryOnStaleState(async () => {
    const at = now();
    const created = createRequest({
      id: newRequestId(ticketId),
      ticketId,
      ticket: input.ticket,
      approvers,
      policy,
      message,
      contentHash,
      onContentChange: input.onContentChange ?? 'reapprove',
      remindEveryHours: input.remindEveryHours ?? null,
      requireDeclineReason: input.requireDeclineReason ?? false,
      deadline: input.deadline ?? null,
      stages,
      actor,
      now: at,
    });
    const change = delegateNewRequest(created, handovers, actor, at);
    await saveChange(change, { snapshot: input.ticket, extra: [contentVersionWrite(change.after)] });
    return change.after;
  });
}

/** The Approvals tab: the newest request, unless there is none or it was canceled. */
export async function getApproval(ticketId: string): Promise<ApprovalRequest> {
  const { request } = await loadTab(ticketId);
  if (!request || request.status === 'canceled') throw new NotFoundError('not_found', `Ticket ${ticketId} has no approval request.`);
  return request;
}

function openRequestOf(tab: Tab): ApprovalRequest {
  const { request } = tab;
  if (!request || request.status === 'canceled')
    throw new NotFoundError('not_found', `Ticket ${tab.ticket.ticketId} has no approval request.`);
  if (!isOpen(request.status))
    throw new ConflictError('request_closed', `The approval request is already ${request.status}.`, {
      details: { status: request.status },
    });
  return request;
}

/** Read, decide, write; again on a concurrent change, so no update is ever lost. */
async function changeOpenRequest<Context = undefined>(
  ticketId: string,
  decide: (request: ApprovalRequest, context: Context) => Promise<Change> | Change,
  /** What is read for the decision: the tab, and anything read with it in the same call. */
  read: (ticketId: string) => Promise<{ tab: Tab; context: Context }> = async (id) => ({
    tab: await loadTab(id),
    context: undefined as Context,
  }),
): Promise<ApprovalRequest> {
  return retryOnStaleState(async () => {
    const { tab, context } = await read(ticketId);
    const change = await decide(openRequestOf(tab), context);
    await saveChange(change);
    return change.after;
  });
}

/** The approvers for a new list: kept recipients as they are, newcomers read from the directory (listed now). */
async function approversFor(request: ApprovalRequest, recipientIds: string[]): Promise<Approver[]> {
  const current = new Map(request.recipients.filter((r) => r.status !== 'removed').map((r) => [r.approverId, r]));
  // Only newcomers must be listed now; a kept recipient keeps their place (and response).
  const newcomers = await listedApprovers(recipientIds.filter((id) => !current.has(id)));
  const byId = new Map(newcomers.map((a) => [a.approverId, a]));
  return recipientIds.map((id) => {
    const kept = current.get(id);
    return kept
      ? {
          approverId: kept.approverId,
          kind: kept.kind,
          name: kept.name,
          email: kept.email,
          createdAt: kept.addedAt,
          updatedAt: kept.addedAt,
        }
      : byId.get(id)!;
  });
}

export async function updateRecipients(ticketId: string, recipientIds: string[], actor: Actor): Promise<ApprovalRequest> {
  return changeOpenRequest(ticketId, async (request) =>
    editRecipients({ request, approvers: await approversFor(request, recipientIds), actor, now: now() }),
  );
}

/** PUT …/approval/stages/{index}/recipients: one stage's whole new list (domain/stage-edit.ts). */
export async function updateStageRecipients(
  ticketId: string,
  stage: string,
  recipientIds: string[],
  actor: Actor,
): Promise<ApprovalRequest> {
  // A path segment that is no stage number names no stage: 404 like any unknown stage.
  const index = /^\d{1,3}$/.test(stage) ? Number(stage) : Number.NaN;
  return changeOpenRequest(ticketId, async (request) =>
    editStage({ request, index, approvers: await approversFor(request, recipientIds), actor, now: now() }),
  );
}

export async function sendReminder(ticketId: string, approverId: string, actor: Actor): Promise<ApprovalRequest> {
  // The tab and the recipient's directory entry in one read: a delisted approver can no longer
  // answer, so a mail asking them to would only mislead.
  return changeOpenRequest<DirectoryEntry | null>(
    ticketId,
    (request, approver) => {
      if (!approver?.listed && request.recipients.some((r) => r.approverId === approverId && r.status === 'pending')) {
        throw new ConflictError('approver_delisted', `${approverId} is no longer a listed approver and cannot answer.`);
      }
      if (!request.recipients.some((r) => r.approverId === approverId)) {
        throw new NotFoundError('not_found', `${approverId} is not a recipient of this request.`);
      }
      return remind({ request, approverId, actor, now: now() });
    },
    async (id) => {
      const { tab, approver } = await loadTabAndApprover(id, approverId);
      return { tab, context: approver };
    },
  );
}

export async function cancelApproval(ticketId: string, actor: Actor): Promise<void> {
  await changeOpenRequest(ticketId, (request) => cancelRequest({ request, actor, now: now() }));
}

/** PUT …/approval/deadline: the escalation's approvers must be listed now; they are read again when it acts. */
export async function updateDeadline(ticketId: string, deadline: Deadline | null, actor: Actor): Promise<ApprovalRequest> {
  await listedApprovers(deadline?.escalateTo ?? []);
  return changeOpenRequest(ticketId, (request) => changeDeadline({ request, deadline, actor, now: now() }));
}

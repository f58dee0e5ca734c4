import type { ActivityEvent } from '../domain/activity.js';
import { recipientStanding } from '../domain/recipient.js';
import { fromRequestId, toRequestId } from '../domain/request-id.js';
import type { StageProgress } from '../domain/stages.js';
import type { ApprovalRequest, Recipient, RequestStatus, Stage, TicketSnapshot } from '../domain/types.js';

/** The ticket item: its latest snapshot and the Approval status column. */
export interface TicketRecord {
  ticketId: string;
  snapshot: TicketSnapshot | null;
  approvalStatus: RequestStatus | null;
  currentRequestKey: string | null;
  openRequestKey: string | null;
  updatedAt: string | null;
  /** How far the current request's stages have come (domain/stages.ts); null without stages. */
  stageProgress: StageProgress | null;
}

type Item = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toTicketRecord(ticketId: string, item: Item | undefined): TicketRecord {
  const snapshot =
    item && typeof item.number === 'string'
      ? {
          number: item.number,
          subject: String(item.subject ?? ''),
          requester: item.requester as TicketSnapshot['requester'],
          // The column's ticket item keeps no conversation (the request's snapshot item does).
          conversation: [],
        }
      : null;
  return {
    ticketId,
    snapshot,
    approvalStatus: (str(item?.approvalStatus) as RequestStatus | null) ?? null,
    currentRequestKey: str(item?.currentRequestKey),
    openRequestKey: str(item?.openRequestKey),
    updatedAt: str(item?.updatedAt),
    stageProgress: (item?.stageProgress as StageProgress | undefined) ?? null,
  };
}

/**
 * The recipient attribute that holds what SES reported about one mail. Reports are kept per mail
 * (by SES message id), so a report about an older mail never shows, and one that arrives before
 * its own mail was recorded shows as soon as it is; and each is written without a read.
 */
export const deliveryProblemAttribute = (messageId: string) => `deliveryProblem#${messageId}`;

/** What SES reported about the latest mail to the recipient, if anything. */
function latestProblem(item: Item): Recipient['deliveryProblem'] {
  const latest = str(item.lastMessageId);
  return latest ? ((item[deliveryProblemAttribute(latest)] as Recipient['deliveryProblem']) ?? null) : null;
}

export function toRecipient(item: Item): Recipient {
  return {
    approverId: item.approverId as string,
    kind: item.kind as Recipient['kind'],
    name: item.name as string,
    email: item.email as string,
    status: item.status as Recipient['status'],
    addedAt: item.addedAt as string,
    respondedAt: str(item.respondedAt),
    feedback: (item.feedback as Recipient['feedback']) ?? [],
    sentAt: str(item.sentAt),
    mailError: (item.mailError as Recipient['mailError']) ?? null,
    deliveryProblem: latestProblem(item),
    remindedAt: str(item.remindedAt),
    reminders: Number(item.reminders ?? 0),
    ...(typeof item.stage === 'number' ? { stage: item.stage } : {}),
    // Items written before content versions and sign-in evidence read as having none.
    contentHash: str(item.contentHash),
    signedInAs: (item.signedInAs as Recipient['signedInAs']) ?? null,
    authTime: str(item.authTime),
    staleApproval: (item.staleApproval as Recipient['staleApproval']) ?? null,
    loginSub: str(item.loginSub),
    onBehalfOf: str(item.onBehalfOf),
    delegatedTo: str(item.delegatedTo),
    answeredBy: str(item.answeredBy),
  };
}

/** The domain fields of a recipient; the mail jobs' fields (sentAt, lastMessageId, mailError, deliveryProblem#…) are left out. */
export function recipientDomainFields(r: Recipient) {
  return {
    ...recipientStanding(r),
    addedAt: r.addedAt,
    ...(r.stage !== undefined ? { stage: r.stage } : {}),
    loginSub: r.loginSub,
  };
}

/** The ticket's headline, kept on the request item (and shown by lists); the conversation is not. */
export function ticketHeadline(ticket: TicketSnapshot) {
  return { number: ticket.number, subject: ticket.subject, requester: ticket.requester };
}

export function requestAttributes(request: ApprovalRequest) {
  const { recipients: _recipients, id, ticket, ...rest } = request;
  return { ...rest, ticket: ticketHeadline(ticket), requestId: id, requestKey: fromRequestId(id).requestKey };
}

/**
 * Requests read from an item written before the conversation moved to its own snapshot item:
 * their next save writes the snapshot item, so the conversation is not lost.
 */
export const inlineConversation = new WeakSet<ApprovalRequest>();

/**
 * The request item's `baseVersion` as read: the version its last whole write gave it. A quick
 * answer (domain/quick-answer.ts) is written only while it is unchanged. Kept beside the domain's
 * request, as the store's own fact; a request read from an item without it gets no quick answers.
 */
export const baseVersions = new WeakMap<ApprovalRequest, number>();

/** `snapshot` is the request's snapshot item when it was read; without it the conversation is empty. */
export function toRequest(meta: Item, recipientItems: Item[], snapshot?: Item): ApprovalRequest {
  const ticketId = meta.ticketId as string;
  const headline = meta.ticket as TicketSnapshot;
  const conversation = (snapshot?.conversation ?? headline.conversation ?? []) as TicketSnapshot['conversation'];
  const request: ApprovalRequest = {
    id: toRequestId(ticketId, meta.requestKey as string),
    ticketId,
    status: meta.status as RequestStatus,
    policy: meta.policy as ApprovalRequest['policy'],
    message: str(meta.message),
    requestedBy: meta.requestedBy as ApprovalRequest['requestedBy'],
    createdAt: meta.createdAt as string,
    updatedAt: meta.updatedAt as string,
    closedAt: str(meta.closedAt),
    remindEveryHours: typeof meta.remindEveryHours === 'number' ? meta.remindEveryHours : null,
    nextReminderAt: str(meta.nextReminderAt),
    requireDeclineReason: meta.requireDeclineReason === true,
    deadline: (meta.deadline as ApprovalRequest['deadline']) ?? null,
    deadlinePassedAt: str(meta.deadlinePassedAt),
    closedReason: meta.closedReason === 'deadline' ? 'deadline' : null,
    version: Number(meta.version),
    ticket: { ...ticketHeadline(headline), conversation },
    content: (meta.content as ApprovalRequest['content']) ?? { version: 0, hash: '' },
    onContentChange: meta.onContentChange === 'keep' ? 'keep' : 'reapprove',
    contentChange: (meta.contentChange as ApprovalRequest['contentChange']) ?? null,
    recipients: recipientItems
      .map(toRecipient)
      .sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0) || a.addedAt.localeCompare(b.addedAt) || a.name.localeCompare(b.name)),
    ...(Array.isArray(meta.stages) ? { stages: meta.stages as Stage[], currentStage: Number(meta.currentStage ?? 1) } : {}),
  };
  if (headline.conversation) inlineConversation.add(request);
  if (typeof meta.baseVersion === 'number') baseVersions.set(request, meta.baseVersion);
  return request;
}

export function toActivity(item: Item): ActivityEvent {
  const { pk: _pk, sk: _sk, entity: _entity, ticketId: _t, ...event } = item;
  return event as unknown as ActivityEvent;
}

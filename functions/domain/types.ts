/** Plain data the domain works on. No I/O, no AWS. */
export const APPROVER_KINDS = ['user', 'contact'] as const;
export type ApproverKind = (typeof APPROVER_KINDS)[number];

export const REQUEST_STATUSES = ['pending', 'partially_approved', 'approved', 'declined', 'canceled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type OpenStatus = Extract<RequestStatus, 'pending' | 'partially_approved'>;

/** `expired`: still pending when the request's deadline escalated it to others. */
export const RECIPIENT_STATUSES = ['pending', 'approved', 'declined', 'removed', 'expired'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const DEADLINE_OUTCOMES = ['decline', 'cancel', 'escalate'] as const;
export type DeadlineOutcome = (typeof DEADLINE_OUTCOMES)[number];

/** What happens to a request still open at `at`. `escalateTo` is given for `escalate` only. */
export interface Deadline {
  at: string;
  outcome: DeadlineOutcome;
  escalateTo?: string[];
}

export type Policy = { type: 'all' } | { type: 'any' } | { type: 'quorum'; count: number };

export interface Approver {
  approverId: string;
  kind: ApproverKind;
  name: string;
  email: string;
  createdAt: string;
  updatedAt: string;
  /** Cognito `sub` of the approver's portal login, when the directory knows it: a recipient is bound to it. */
  loginSub?: string | null;
}

/**
 * Which content version of a request its approvers are shown: `hash` is `sha256:<hex>` of the
 * RFC 8785 canonical JSON of that content (domain/content.ts), `version` counts from 1.
 */
export interface ContentRef {
  version: number;
  hash: string;
}

/** What a ticket change does to approvals given on older content: `reapprove` (default) makes them stale. */
export const CONTENT_CHANGE_MODES = ['reapprove', 'keep'] as const;
export type OnContentChange = (typeof CONTENT_CHANGE_MODES)[number];

/** Who signed in to give a response: the Cognito token's `sub` and `email`. */
export interface SignedInAs {
  sub: string;
  email: string | null;
}

/** An approval given on content that changed since: the recipient is pending again. */
export interface StaleApproval {
  /** When the approval was given. */
  at: string;
  /** The content hash it was given on. */
  contentHash: string;
}

/** One field of what approvers are shown that differs between two content versions (bounded, for logs and mails). */
export interface ContentFieldChange {
  /** `ticket.subject`, `ticket.number`, `ticket.requester`, `ticket.conversation`, `message`, `policy`, … */
  field: string;
  /** The old and new value as shown, clipped; for the conversation a sentence ("2 entries added"). */
  before: string | null;
  after: string | null;
}

/** The newest content change of a request, as mailed to the approvers it made stale. */
export interface ContentChange {
  at: string;
  from: ContentRef;
  to: ContentRef;
  changes: ContentFieldChange[];
}

export interface Actor {
  kind: 'technician' | 'approver' | 'system';
  /** Cognito `sub` for people, the approverId for approvers, a job name for the system. */
  id: string;
  email?: string;
  name?: string;
}

export interface ConversationEntry {
  author: string;
  body: string;
  at: string;
}

export interface TicketSnapshot {
  number: string;
  subject: string;
  requester: { name: string; email: string };
  conversation: ConversationEntry[];
}

export interface Feedback {
  body: string;
  at: string;
}

export interface MailError {
  message: string;
  at: string;
  attempts: number;
}

/**
 * What SES reported after a mail left: it bounced (permanently, or softly after SES gave up
 * retrying), the recipient marked it as spam, or SES refused to deliver it (a virus). Written by
 * the mail-events job only.
 */
export interface DeliveryProblem {
  type: 'bounce' | 'complaint' | 'reject';
  /** A hard bounce, a complaint or a rejection: mailing the same address again will not help. */
  permanent: boolean;
  /** SES's words: the bounce's diagnostic code, the complaint's feedback type, the reject reason. */
  detail: string;
  mail: MailKind;
  /** When SES reported it. */
  at: string;
}

export interface Recipient {
  approverId: string;
  kind: ApproverKind;
  name: string;
  email: string;
  status: RecipientStatus;
  addedAt: string;
  respondedAt: string | null;
  feedback: Feedback[];
  /** When the request mail reached SES; written by the mailer only. */
  sentAt: string | null;
  /** The last failed delivery attempt, cleared when a mail goes out; written by the mailer only. */
  mailError: MailError | null;
  /** What SES reported about the latest mail to the recipient (none once a later mail went out). */
  deliveryProblem: DeliveryProblem | null;
  remindedAt: string | null;
  reminders: number;
  /** The content hash the recipient's decision was given on (null while undecided, and on decisions recorded before hashes). */
  contentHash: string | null;
  /** Who signed in to give the decision. */
  signedInAs: SignedInAs | null;
  /** When that login signed in (the token's `auth_time`), ISO. */
  authTime: string | null;
  /** Set when an approval became stale by a content change (the recipient is `pending` again); kept until the next decision. */
  staleApproval: StaleApproval | null;
  /**
   * The Cognito `sub` this place belongs to: the approver's login when the recipient was added,
   * or the first login that answered. Another login never sees the request (404).
   */
  loginSub: string | null;
  /** The stage (1, 2, …) of a staged request the recipient belongs to; absent without stages. */
  stage?: number;
  /** Delegation (domain/delegation.ts): on a substitute's entry, the approverId whose place it holds. */
  onBehalfOf?: string | null;
  /** Delegation: on a delegator's entry, the substitute their place was handed to. */
  delegatedTo?: string | null;
  /** Delegation: the other holder of the place who settled it, when this entry did not answer itself. */
  answeredBy?: string | null;
}

/** One stage of a staged request (domain/stages.ts); its recipients carry its `index` as `stage`. */
export interface Stage {
  index: number;
  name: string | null;
  policy: Policy;
}

export interface ApprovalRequest {
  id: string;
  ticketId: string;
  status: RequestStatus;
  policy: Policy;
  message: string | null;
  requestedBy: Actor;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Automatic reminders to everyone still pending, every N hours while the request is open. */
  remindEveryHours: number | null;
  /** When the next automatic reminder is due; null once closed or without automatic reminders. */
  nextReminderAt: string | null;
  /** A decline must come with a reason (feedback); `400 reason_required` otherwise. */
  requireDeclineReason: boolean;
  /** What happens if the request is still open at a set time; kept after it passed, as a record. */
  deadline: Deadline | null;
  /** When the deadline was acted on; a deadline acts once (an escalation sets no second one). */
  deadlinePassedAt: string | null;
  /** Why the request closed, when not by its approvers or a technician. */
  closedReason: 'deadline' | null;
  /** Optimistic-locking counter: every change to the request or a recipient bumps it. */
  version: number;
  ticket: TicketSnapshot;
  recipients: Recipient[];
  /** Sequential stages (2–5), asked in order; absent on a request without stages. */
  stages?: Stage[];
  /** The stage asked now, or the one that closed the request; absent without stages. */
  currentStage?: number;
  /** The current content version of what approvers are shown. */
  content: ContentRef;
  onContentChange: OnContentChange;
  /** The newest content change while the request was open (null before the first). */
  contentChange: ContentChange | null;
}

/** `content_changed`: the ticket changed after the recipient approved; they are asked again. */
export type MailKind = 'request' | 'reminder' | 'content_changed';

/** One mail the change asks the mailer to send. */
export interface MailJob {
  kind: MailKind;
  approverId: string;
}

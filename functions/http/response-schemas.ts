import * as v from 'valibot';
import { ERROR_CODES as ERROR_CATALOGUE, type ErrorCode } from '../domain/error-codes.js';
import { APPROVER_KINDS, CONTENT_CHANGE_MODES, DEADLINE_OUTCOMES, RECIPIENT_STATUSES, REQUEST_STATUSES } from '../domain/types.js';
import { GROUPS } from '../identity/groups.js';
import { WEBHOOK_EVENT_TYPES, webhookEvent } from './webhook-schemas.js';

/*
 * The API's responses as valibot schemas: what domain/views.ts and the services return. Only the
 * OpenAPI generator (tools/openapi/) and the tests import this module, never a handler, so none
 * of it reaches a Lambda bundle (test/lib/bundles.test.ts keeps the budget). Constants, not
 * builders: each named one becomes one entry of the document's components.schemas.
 *
 * Objects are v.object (the document leaves them open to new fields; the tests' contract check
 * closes them, so a field the code returns but the document lacks fails a test); v.looseObject
 * marks the ones open on purpose.
 */

/** Every error `code` the API answers with: the one catalogue, domain/error-codes.ts. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
export type { ErrorCode };

const timestamp = v.pipe(v.string(), v.isoTimestamp(), v.description('ISO-8601 UTC timestamp'));
const nullableTimestamp = v.nullable(timestamp);
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const requestStatus = v.picklist(REQUEST_STATUSES);
/** A list's cursor: pass it as `?next=` for the following page; null on the last page. */
const next = v.pipe(v.nullable(v.string()), v.description('The cursor of the next page (`?next=`), or null on the last page.'));

// Errors.

export const ErrorBody = v.pipe(
  v.object({
    error: v.object({
      code: v.picklist(ERROR_CODES),
      message: v.pipe(v.string(), v.description('A sentence for people; match on `code`, not on this.')),
      details: v.optional(v.unknown()),
    }),
  }),
  v.description('Every error the API itself answers.'),
);

/** What API Gateway itself answers when the request never reached a handler (in AWS: no or a bad token, throttling, a timeout). */
export const GatewayError = v.pipe(
  v.object({ message: v.string() }),
  v.description('API Gateway\'s own answer, e.g. `{"message": "Unauthorized"}`.'),
);

// Shared parts.

export const Policy = v.variant('type', [
  v.object({ type: v.picklist(['all', 'any']) }),
  v.object({ type: v.literal('quorum'), count: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
]);

export const Actor = v.object({
  kind: v.picklist(['technician', 'approver', 'system']),
  id: v.string(),
  email: v.optional(v.string()),
  name: v.optional(v.string()),
});

export const Requester = v.object({ name: v.string(), email: v.string() });

export const Feedback = v.object({ body: v.string(), at: timestamp });

export const ConversationEntry = v.object({ author: v.string(), body: v.string(), at: v.string() });

export const TicketSnapshot = v.object({
  number: v.string(),
  subject: v.string(),
  requester: Requester,
  conversation: v.array(ConversationEntry),
});

const TicketHeadline = v.object({ number: v.string(), subject: v.string(), requester: Requester });

export const MailError = v.object({ message: v.string(), at: timestamp, attempts: count });

export const DeliveryProblem = v.object({
  type: v.picklist(['bounce', 'complaint', 'reject']),
  permanent: v.boolean(),
  detail: v.string(),
  mail: v.picklist(['request', 'reminder', 'content_changed']),
  at: timestamp,
});

// Content versions and who answered (API.md, "Approvals you can prove").

const contentHash = v.pipe(v.string(), v.description('`sha256:<hex>` of the RFC 8785 canonical JSON of what approvers are shown.'));

export const ContentRef = v.object({ version: count, hash: contentHash });

export const SignedInAs = v.object({ sub: v.string(), email: v.nullable(v.string()) });

export const StaleApproval = v.pipe(
  v.object({ at: timestamp, contentHash }),
  v.description('An approval given on content that changed since; the recipient is pending again.'),
);

export const ContentChange = v.object({
  at: timestamp,
  from: ContentRef,
  to: ContentRef,
  changes: v.array(v.object({ field: v.string(), before: v.nullable(v.string()), after: v.nullable(v.string()) })),
});

// Directory.

/** Who an approver is: in the directory, on a request's recipient and on the approver's own page. */
const approverIdentity = { approverId: v.string(), kind: v.picklist(APPROVER_KINDS), name: v.string() };

export const Approver = v.object({
  ...approverIdentity,
  email: v.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const ApproverList = v.object({ approvers: v.array(Approver), next });

// Tickets and their approval request.

/** Delegation on a recipient entry (README "Delegation"). */
function delegationFields() {
  const id = (description: string) => v.pipe(v.nullable(v.string()), v.description(description));
  return {
    onBehalfOf: id("On a substitute's entry: the approverId of the delegator whose place it holds."),
    delegatedTo: id("On a delegator's entry: the substitute their place was handed to."),
    answeredBy: id('The other holder of the place (delegator or substitute) who settled it, when this entry did not answer itself.'),
  };
}

/** Where a recipient's answer stands: for the technician and on the approver's own page. */
const recipientAnswer = { status: v.picklist(RECIPIENT_STATUSES), respondedAt: nullableTimestamp, feedback: v.array(Feedback) };

export const Recipient = v.object({
  ...approverIdentity,
  email: v.string(),
  ...recipientAnswer,
  sentAt: nullableTimestamp,
  remindedAt: nullableTimestamp,
  reminders: count,
  mailError: v.nullable(MailError),
  deliveryProblem: v.nullable(DeliveryProblem),
  contentHash: v.pipe(v.nullable(contentHash), v.description('The content the decision was given on.')),
  signedInAs: v.pipe(v.nullable(SignedInAs), v.description('Who signed in to give the decision.')),
  authTime: v.pipe(nullableTimestamp, v.description("When that login signed in (the token's auth_time).")),
  staleApproval: v.nullable(StaleApproval),
  stage: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
    v.description('The stage (1, 2, …) of a staged request; null without stages.'),
  ),
  ...delegationFields(),
});

const stageNumber = v.pipe(v.number(), v.integer(), v.minValue(1));

export const StageProgress = v.object({
  current: stageNumber,
  total: stageNumber,
  approved: count,
  label: v.pipe(v.string(), v.description('"Stage 1 of 2 approved"; "Stage 1 of 2 pending" before the first; "Stage 2 of 2 declined".')),
});

export const Stage = v.object({
  index: stageNumber,
  name: v.nullable(v.string()),
  status: v.pipe(
    v.picklist(['not_started', ...REQUEST_STATUSES]),
    v.description('`not_started` until the stage starts; then its own policy over its recipients.'),
  ),
  policy: Policy,
  recipients: v.pipe(v.array(v.string()), v.description("The stage's recipients' approverIds (removed and expired ones included).")),
});

export const Deadline = v.object({
  at: timestamp,
  outcome: v.picklist(DEADLINE_OUTCOMES),
  escalateTo: v.optional(v.array(v.string())),
});

const deadlineFields = {
  requireDeclineReason: v.boolean(),
  deadline: v.nullable(Deadline),
  deadlinePassedAt: nullableTimestamp,
  closedReason: v.nullable(v.picklist(['deadline'])),
};

export const ApprovalRequest = v.object({
  id: v.string(),
  ticketId: v.string(),
  status: requestStatus,
  statusLabel: v.string(),
  policy: Policy,
  message: v.nullable(v.string()),
  requestedBy: Actor,
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: nullableTimestamp,
  remindEveryHours: v.nullable(count),
  nextReminderAt: nullableTimestamp,
  ...deadlineFields,
  content: ContentRef,
  onContentChange: v.picklist(CONTENT_CHANGE_MODES),
  contentChange: v.nullable(ContentChange),
  ticket: TicketHeadline,
  recipients: v.array(Recipient),
  stages: v.pipe(v.nullable(v.array(Stage)), v.description('Sequential stages, in order; null on a request without stages.')),
  currentStage: v.pipe(v.nullable(stageNumber), v.description('The stage asked now (or the one that closed the request).')),
  stageProgress: v.nullable(StageProgress),
});

export const ReminderSent = v.object({ requestId: v.string(), recipient: Recipient });

export const Ticket = v.object({
  ticketId: v.string(),
  ...TicketSnapshot.entries,
  approvalStatus: v.nullable(requestStatus),
});

export const TicketColumn = v.object({
  tickets: v.array(
    v.object({
      ticketId: v.string(),
      number: v.nullable(v.string()),
      subject: v.nullable(v.string()),
      approvalStatus: v.nullable(requestStatus),
      stageProgress: v.nullable(StageProgress),
    }),
  ),
  next,
});

const activityBase = { at: timestamp, actor: Actor, requestId: v.nullable(v.string()) };
const mailKind = v.picklist(['request', 'reminder', 'content_changed']);
/** Recorded with every answer (absent on entries written before). */
const answerEvidence = {
  contentHash: v.optional(contentHash),
  signedInAs: v.optional(SignedInAs),
  authTime: v.optional(nullableTimestamp),
};

export const ActivityEvent = v.variant('type', [
  v.object({
    ...activityBase,
    type: v.literal('request_created'),
    recipients: v.array(v.string()),
    policy: Policy,
    deadline: v.optional(Deadline),
  }),
  v.object({ ...activityBase, type: v.literal('deadline_changed'), deadline: v.nullable(Deadline) }),
  v.object({ ...activityBase, type: v.literal('deadline_passed'), deadline: Deadline }),
  v.object({
    ...activityBase,
    type: v.literal('escalated'),
    expired: v.array(v.object({ approverId: v.string(), name: v.string() })),
    added: v.array(v.object({ approverId: v.string(), name: v.string() })),
  }),
  v.object({
    ...activityBase,
    type: v.literal('recipients_changed'),
    added: v.array(v.object({ approverId: v.string(), name: v.string() })),
    removed: v.array(v.object({ approverId: v.string(), name: v.string() })),
    stage: v.optional(stageNumber),
  }),
  v.object({
    ...activityBase,
    type: v.literal('stage_started'),
    stage: stageNumber,
    name: v.nullable(v.string()),
    recipients: v.array(v.string()),
  }),
  v.object({ ...activityBase, type: v.literal('mail_sent'), approverId: v.string(), mail: mailKind, email: v.string() }),
  v.object({ ...activityBase, type: v.literal('mail_failed'), approverId: v.string(), mail: mailKind, error: v.string(), attempts: count }),
  v.object({
    ...activityBase,
    type: v.literal('mail_undelivered'),
    approverId: v.string(),
    mail: mailKind,
    email: v.string(),
    problem: v.picklist(['bounce', 'complaint', 'reject']),
    permanent: v.boolean(),
    detail: v.string(),
  }),
  v.object({ ...activityBase, type: v.literal('reminder_requested'), approverId: v.string() }),
  v.object({ ...activityBase, type: v.literal('feedback_given'), approverId: v.string(), body: v.string(), ...answerEvidence }),
  v.object({
    ...activityBase,
    type: v.literal('response_recorded'),
    approverId: v.string(),
    decision: v.picklist(['approved', 'declined']),
    ...answerEvidence,
    onBehalfOf: v.optional(v.pipe(v.string(), v.description('A substitute answered for this delegator.'))),
  }),
  v.object({
    ...activityBase,
    type: v.literal('delegated'),
    places: v.array(
      v.object({
        delegator: v.object({ approverId: v.string(), name: v.string() }),
        substitute: v.object({ approverId: v.string(), name: v.string() }),
        until: timestamp,
      }),
    ),
  }),
  v.object({
    ...activityBase,
    type: v.literal('content_changed'),
    from: ContentRef,
    to: ContentRef,
    changes: ContentChange.entries.changes,
    stale: v.array(v.object({ approverId: v.string(), name: v.string() })),
  }),
  v.object({ ...activityBase, type: v.literal('status_changed'), from: requestStatus, to: requestStatus }),
  v.object({ ...activityBase, type: v.literal('request_canceled') }),
  v.object({ ...activityBase, type: v.literal('ticket_updated') }),
  v.object({
    ...activityBase,
    type: v.literal('receipt_issued'),
    receiptHash: v.pipe(v.string(), v.description('`sha256:<hex>` of the receipt (its compact JWS), as the next receipt links to it.')),
    previous: v.nullable(v.string()),
    kid: v.string(),
  }),
]);

export const ActivityLog = v.object({ activity: v.array(ActivityEvent), next });

// Approver portal.

const Person = v.object({ approverId: v.string(), name: v.string() });

export const PortalApproval = v.object({
  id: v.string(),
  status: requestStatus,
  statusLabel: v.string(),
  ticket: TicketSnapshot,
  message: v.nullable(v.string()),
  requestedBy: v.object({ name: v.nullable(v.string()), email: v.nullable(v.string()) }),
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: nullableTimestamp,
  you: v.object({
    ...approverIdentity,
    ...recipientAnswer,
    contentHash: v.nullable(contentHash),
    staleApproval: v.nullable(StaleApproval),
    onBehalfOf: v.pipe(v.nullable(Person), v.description('You answer as the substitute of this approver.')),
    answeredBy: v.pipe(v.nullable(Person), v.description('The other holder of your place who settled it.')),
  }),
  content: v.pipe(ContentRef, v.description('What this page shows; send `content.hash` as `contentHash` with an answer.')),
  contentChange: v.nullable(ContentChange),
  ...deadlineFields,
  deadline: v.nullable(v.object({ at: timestamp, outcome: v.picklist(DEADLINE_OUTCOMES) })),
  stage: v.nullable(v.object({ index: stageNumber, name: v.nullable(v.string()), total: stageNumber })),
  stageProgress: v.nullable(StageProgress),
  canDecide: v.boolean(),
  canGiveFeedback: v.boolean(),
});

export const PortalApprovalList = v.object({
  approvals: v.array(
    v.object({
      requestId: v.string(),
      status: requestStatus,
      ticket: TicketHeadline,
      requestedBy: v.object({ name: v.nullable(v.string()), email: v.nullable(v.string()) }),
      createdAt: timestamp,
      you: v.object({ status: v.picklist(RECIPIENT_STATUSES), respondedAt: nullableTimestamp }),
    }),
  ),
  next,
});

// Delegation (out of office).

export const DelegationBody = v.object({
  delegation: v.pipe(
    v.nullable(
      v.object({
        approverId: v.pipe(v.string(), v.description('The delegator.')),
        substituteId: v.string(),
        substituteName: v.string(),
        from: timestamp,
        until: v.pipe(timestamp, v.description('The delegation ends by itself here.')),
        note: v.nullable(v.string()),
        active: v.pipe(v.boolean(), v.description('False while `from` is still ahead.')),
        setBy: v.picklist(['approver', 'technician']),
        setAt: timestamp,
      }),
    ),
    v.description('`null`: none set, or it has ended.'),
  ),
});

export const PortalConfig = v.object({
  region: v.string(),
  userPoolId: v.string(),
  clientId: v.string(),
  cognitoEndpoint: v.pipe(v.string(), v.url()),
  title: v.string(),
  titles: v.record(v.picklist(GROUPS), v.string()),
});

export const Health = v.object({ status: v.literal('ok') });

// Webhooks.

const webhookStatus = v.picklist(['active', 'failing']);

export const Webhook = v.object({
  id: v.string(),
  url: v.string(),
  events: v.pipe(v.nullable(v.array(v.picklist(WEBHOOK_EVENT_TYPES))), v.description('`null`: every event type.')),
  description: v.nullable(v.string()),
  status: webhookStatus,
  createdAt: timestamp,
});

const secret = v.pipe(v.string(), v.startsWith('whsec_'), v.description('Shown only in this answer.'));

export const WebhookCreated = v.object({ ...Webhook.entries, secret });

export const WebhookList = v.object({ webhooks: v.array(Webhook) });

export const WebhookSecret = v.object({ secret });

export const WebhookDeliveryList = v.object({
  deliveries: v.array(
    v.object({
      id: v.string(),
      eventId: v.string(),
      type: v.picklist(WEBHOOK_EVENT_TYPES),
      status: v.picklist(['delivered', 'retrying', 'failed']),
      attempts: count,
      lastResponseStatus: v.nullable(v.pipe(v.number(), v.integer())),
      lastError: v.nullable(v.string()),
      lastAttemptAt: nullableTimestamp,
      nextAttemptAt: nullableTimestamp,
      attemptLog: v.array(
        v.object({ at: timestamp, responseStatus: v.nullable(v.pipe(v.number(), v.integer())), error: v.nullable(v.string()) }),
      ),
    }),
  ),
  next,
});

export const WebhookTestQueued = v.object({ eventId: v.string() });

export const WebhookEvent = webhookEvent();

// Receipts (signed proof of a closed request; domain/receipt.ts).

const sha256Hash = v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/), v.description('`sha256:` and 64 hex digits'));

export const ReceiptDecision = v.object({
  approverId: v.string(),
  name: v.string(),
  email: v.string(),
  decision: v.picklist(['approved', 'declined']),
  at: timestamp,
  signedInAs: v.nullable(
    v.object({ sub: v.string(), email: v.string(), authTime: v.optional(v.nullable(v.union([v.string(), v.number()]))) }),
  ),
  contentHash: v.nullable(v.string()),
});

export const ReceiptPayload = v.pipe(
  v.object({
    type: v.literal('signoff.approval-receipt'),
    v: v.literal(1),
    requestId: v.string(),
    ticketId: v.string(),
    ticket: v.object({ number: v.string(), subject: v.string() }),
    status: v.picklist(['approved', 'declined', 'canceled']),
    closedAt: timestamp,
    closedReason: v.nullable(v.string()),
    content: v.nullable(v.object({ version: count, hash: v.string() })),
    policy: Policy,
    decisions: v.array(ReceiptDecision),
    previous: v.pipe(v.nullable(sha256Hash), v.description("The previous receipt of the ticket (its hash), null for the ticket's first.")),
    issuedAt: timestamp,
  }),
  v.description('What the receipt signs: the JWS payload, decoded.'),
);

export const Receipt = v.pipe(
  v.object({
    receipt: v.pipe(v.string(), v.description('The compact JWS (ES256, `kid` in the header): what a verifier checks.')),
    payload: ReceiptPayload,
  }),
  v.description('A signed receipt of a closed request.'),
);

export const ReceiptList = v.object({ receipts: v.array(Receipt), next });

export const Jwks = v.pipe(
  v.object({
    keys: v.array(
      v.object({
        kty: v.literal('EC'),
        crv: v.literal('P-256'),
        x: v.string(),
        y: v.string(),
        kid: v.string(),
        alg: v.literal('ES256'),
        use: v.literal('sig'),
      }),
    ),
  }),
  v.description('The public keys receipts are signed with: the current key first, then retired ones.'),
);

/** Every named response schema: the document's components.schemas, by these names. */
export const RESPONSE_SCHEMAS = {
  Error: ErrorBody,
  GatewayError,
  Policy,
  Actor,
  Requester,
  Feedback,
  ConversationEntry,
  TicketSnapshot,
  MailError,
  DeliveryProblem,
  ContentRef,
  SignedInAs,
  StaleApproval,
  ContentChange,
  Approver,
  ApproverList,
  Recipient,
  Stage,
  StageProgress,
  ApprovalRequest,
  ReminderSent,
  Ticket,
  TicketColumn,
  ActivityEvent,
  ActivityLog,
  PortalApproval,
  PortalApprovalList,
  PortalConfig,
  Delegation: DelegationBody,
  Health,
  Webhook,
  WebhookCreated,
  WebhookList,
  WebhookSecret,
  WebhookDeliveryList,
  WebhookTestQueued,
  WebhookEvent,
  ReceiptDecision,
  ReceiptPayload,
  Receipt,
  ReceiptList,
  Jwks,
} as const;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

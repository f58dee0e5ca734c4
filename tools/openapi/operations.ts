/**
 * What the OpenAPI document says about each route beyond what the code already says: a summary,
 * the success answers and the error codes particular to the route. Paths, groups and request
 * schemas are not repeated here: they come from functions/handlers/routes.ts and from the
 * schemas each handler validates with (route()'s `contract`). Keyed by `METHOD path`.
 *
 * The errors every route shares (400 invalid_request, 401, 403, 413, 422 idempotency_key_reused,
 * 500, 503, ...) are derived in document.ts from the route's access, method and schemas.
 */
import type { ErrorCode, ResponseSchemaName } from '../../functions/http/response-schemas.js';

export interface Operation {
  tag: 'Service' | 'Directory' | 'Tickets' | 'Portal' | 'Webhooks';
  summary: string;
  description?: string;
  /** Success statuses and the schema of their body (null: no body). */
  ok: Record<number, { schema: ResponseSchemaName | 'OpenApiDocument' | null; description: string }>;
  /** Error codes particular to this route, by status (added to the shared ones). */
  errors?: Partial<Record<400 | 403 | 404 | 409 | 422 | 429, readonly ErrorCode[]>>;
}

const approval = (description: string) => ({ schema: 'ApprovalRequest', description }) as const;

/** The three delegation routes (out of office), under the portal (the approver's own) and the directory (technicians). */
function delegationOperations(tag: 'Portal' | 'Directory', paths: string, whose: string): Record<string, Operation> {
  const path = paths.split(' ')[1]!;
  const ok = (description: string) => ({ 200: { schema: 'Delegation', description } }) as const;
  const forbidden = tag === 'Portal' ? ({ 403: ['delisted', 'not_an_approver'] } as const) : {};
  return {
    [`PUT ${path}`]: {
      tag,
      summary: `Name a substitute while ${whose === 'your' ? 'you are' : 'the approver is'} away`,
      description:
        'Replaces any earlier delegation. While it is active, new requests naming the delegator go to the substitute (their entry carries `onBehalfOf`), and open requests still waiting on the delegator get the substitute added and mailed; the first answer from either settles the place. It ends by itself at `until` (at most 90 days after `from`; `from` defaults to now).',
      ok: ok('The delegation as saved.'),
      errors: {
        ...forbidden,
        422: ['substitute_is_self', 'substitute_not_listed', 'substitute_kind_mismatch', 'delegation_period_invalid', 'delegation_loop'],
      },
    },
    [`GET ${path}`]: {
      tag,
      summary: `${whose === 'your' ? 'Your' : "The approver's"} delegation`,
      ok: ok('The delegation, active or to come; `null` when none is set or it has ended.'),
      errors: { ...forbidden },
    },
    [`DELETE ${path}`]: {
      tag,
      summary: 'End the delegation now',
      description: 'Requests already handed to the substitute stay with both; new requests go to the delegator again.',
      ok: { 204: { schema: null, description: 'No delegation remains.' } },
      errors: { ...forbidden },
    },
  };
}

export const OPERATIONS: Record<string, Operation> = {
  'GET /health': { tag: 'Service', summary: 'Health check', ok: { 200: { schema: 'Health', description: 'The API answers.' } } },
  'GET /openapi.json': {
    tag: 'Service',
    summary: 'This OpenAPI document',
    description: 'The contract of every route and webhook event, generated from the schemas that validate requests.',
    ok: { 200: { schema: 'OpenApiDocument', description: 'The OpenAPI 3.1 document (also kept as docs/openapi.json).' } },
  },
  'GET /portal/config': {
    tag: 'Portal',
    summary: 'What the portal needs to sign approvers in',
    ok: { 200: { schema: 'PortalConfig', description: 'Region, user pool, app client, Cognito endpoint and titles; nothing secret.' } },
  },

  'PUT /directory/approvers/{approverId}': {
    tag: 'Directory',
    summary: 'List or update an approver',
    description:
      "Provisions the approver's portal login (a Cognito user in group `users` or `contacts`). An email whose login is in another group (a technician) gets 409 email_in_use, and nothing changes.",
    ok: {
      200: { schema: 'Approver', description: 'The approver was updated.' },
      201: { schema: 'Approver', description: 'The approver was listed.' },
    },
    errors: { 400: ['invalid_approver_id'], 409: ['duplicate_email', 'email_in_use'] },
  },
  'GET /directory/approvers': {
    tag: 'Directory',
    summary: 'The listed approvers',
    ok: { 200: { schema: 'ApproverList', description: 'Every listed approver, optionally of one kind.' } },
    errors: { 400: ['invalid_cursor'] },
  },
  'DELETE /directory/approvers/{approverId}': {
    tag: 'Directory',
    summary: 'Delist an approver',
    description:
      'A delisted approver can no longer respond, and cannot be added to requests. A login that is also in another group (a technician) is never disabled.',
    ok: { 204: { schema: null, description: 'Delisted.' } },
  },

  'GET /tickets': {
    tag: 'Tickets',
    summary: 'The Approval status column',
    description: 'Give either `ids` (comma-separated, up to 100) or `approvalStatus`, not both.',
    ok: {
      200: {
        schema: 'TicketColumn',
        description: '`approvalStatus` is null for a ticket without a request, or whose request was canceled.',
      },
    },
    errors: { 400: ['invalid_cursor'] },
  },
  'PUT /tickets/{ticketId}': {
    tag: 'Tickets',
    summary: 'Refresh the ticket snapshot',
    description:
      'What mails and the portal show of the ticket. A change to what an open request\'s approvers see is a new content version: with `onContentChange: "reapprove"` (the default) approvals given on an older one become stale (the recipient is pending again with `staleApproval`, and mailed what changed); the log gets `content_changed`.',
    ok: { 200: { schema: 'Ticket', description: 'The ticket as stored.' } },
  },
  'GET /tickets/{ticketId}/activity': {
    tag: 'Tickets',
    summary: "The ticket's activity log",
    description: 'Oldest first: every request, edit, mail, reminder, response, feedback and status change.',
    ok: { 200: { schema: 'ActivityLog', description: 'The activity, oldest first.' } },
    errors: { 400: ['invalid_cursor'] },
  },
  'POST /tickets/{ticketId}/approval': {
    tag: 'Tickets',
    summary: 'Request approval',
    description:
      'Every recipient must be a listed approver. Each recipient is emailed once. With `stages` (2–5, instead of `recipients` and `policy`; at most 50 recipients in all, an approver in one stage only) only the current stage is mailed; the next starts when it is approved by its own policy; a declined stage declines the request.',
    ok: { 201: approval('The new approval request.') },
    errors: {
      409: ['open_request_exists', 'approver_in_other_stage'],
      422: [
        'too_many_recipients',
        'unknown_approvers',
        'quorum_unreachable',
        'too_many_changes',
        'deadline_not_in_future',
        'escalate_to_required',
        'escalate_to_not_allowed',
      ],
    },
  },
  'GET /tickets/{ticketId}/approval': {
    tag: 'Tickets',
    summary: "The ticket's current approval request (the Approvals tab)",
    ok: { 200: approval('The current request.') },
  },
  'DELETE /tickets/{ticketId}/approval': {
    tag: 'Tickets',
    summary: 'Cancel the open request',
    ok: { 204: { schema: null, description: 'Canceled.' } },
    errors: { 409: ['request_closed'] },
  },
  'PUT /tickets/{ticketId}/approval/recipients': {
    tag: 'Tickets',
    summary: 'Edit the recipients',
    description:
      'The whole new list. Only newly added recipients are emailed; those who responded keep their response. An empty list cancels the request.',
    ok: { 200: approval('The request (with `status: "canceled"` when the list was emptied).') },
    errors: {
      409: ['request_closed', 'staged_request'],
      422: ['unknown_approvers', 'quorum_unreachable', 'too_many_changes', 'too_many_recipients'],
    },
  },
  'PUT /tickets/{ticketId}/approval/stages/{index}/recipients': {
    tag: 'Tickets',
    summary: 'Edit one stage',
    description:
      "The stage's whole new list (1 or more). The current stage: only newly added recipients are emailed. A later stage: nobody is emailed until it starts. An earlier (approved) stage → 409 stage_closed. At most 50 recipients at once across the stages.",
    ok: { 200: approval('The request.') },
    errors: {
      404: ['not_found'],
      409: ['request_closed', 'stage_closed', 'approver_in_other_stage'],
      422: ['unknown_approvers', 'quorum_unreachable', 'too_many_changes', 'too_many_recipients'],
    },
  },
  'PUT /tickets/{ticketId}/approval/deadline': {
    tag: 'Tickets',
    summary: 'Change the deadline',
    description: 'The deadline object of the create body, or `null` to remove it, while the request is open.',
    ok: { 200: approval('The request with its new deadline.') },
    errors: {
      409: ['request_closed'],
      422: ['deadline_not_in_future', 'escalate_to_required', 'escalate_to_not_allowed', 'unknown_approvers', 'too_many_recipients'],
    },
  },
  'POST /tickets/{ticketId}/approval/recipients/{approverId}/reminders': {
    tag: 'Tickets',
    summary: 'Remind one recipient',
    description: 'One manual reminder per recipient per 10 minutes.',
    ok: { 202: { schema: 'ReminderSent', description: 'The request email is sent again to that recipient.' } },
    errors: {
      409: ['already_responded', 'approver_delisted', 'recipient_removed', 'request_closed', 'stage_not_started', 'stage_closed'],
      429: ['reminder_too_soon'],
    },
  },

  'GET /portal/approvals': {
    tag: 'Portal',
    summary: "The signed-in approver's requests",
    description: 'Open ones waiting on the caller first, newest first within each group.',
    ok: { 200: { schema: 'PortalApprovalList', description: "The caller's requests." } },
    errors: { 400: ['invalid_cursor'], 403: ['delisted', 'not_an_approver'] },
  },
  'GET /portal/approvals/{requestId}': {
    tag: 'Portal',
    summary: 'One request as its recipient sees it',
    description:
      'Answers 404 to anyone who is not one of its recipients, and to a login other than the one the place is bound to (an approver id re-listed with another email). `content.hash` is what the page shows.',
    ok: { 200: { schema: 'PortalApproval', description: 'The request, with the caller as `you`.' } },
    errors: { 403: ['delisted', 'not_an_approver'] },
  },
  'POST /portal/approvals/{requestId}/responses': {
    tag: 'Portal',
    summary: 'Approve, decline or give feedback',
    description:
      "A decision, feedback, or both; feedback alone can come first and the decision later. Send the page's `content.hash` as `contentHash`: another than the current one gets 409 content_changed (`details.current`). The answer records the content hash and who signed in (`signedInAs`, `authTime`).",
    ok: { 200: { schema: 'PortalApproval', description: "The recipient's view after the response." } },
    errors: {
      400: ['reason_required'],
      403: ['delisted', 'not_an_approver'],
      409: [
        'already_decided',
        'recipient_removed',
        'request_closed',
        'content_changed',
        'deadline_passed',
        'recipient_expired',
        'stage_closed',
        'place_settled',
      ],
      422: ['feedback_limit'],
    },
  },
  ...delegationOperations('Portal', 'PUT|GET|DELETE /portal/delegation', 'your'),
  ...delegationOperations('Directory', 'PUT|GET|DELETE /directory/approvers/{approverId}/delegation', "the approver's"),

  'POST /webhooks': {
    tag: 'Webhooks',
    summary: 'Register a webhook endpoint',
    description:
      '`events` omitted: every event type. In AWS the URL must be https and must not resolve to a private, loopback or link-local address.',
    ok: { 201: { schema: 'WebhookCreated', description: 'The endpoint, with its signing secret (shown only here).' } },
    errors: { 422: ['url_not_allowed'] },
  },
  'GET /webhooks': {
    tag: 'Webhooks',
    summary: 'The webhook endpoints',
    ok: { 200: { schema: 'WebhookList', description: 'Every endpoint, without secrets.' } },
  },
  'GET /webhooks/{webhookId}': {
    tag: 'Webhooks',
    summary: 'One webhook endpoint',
    ok: { 200: { schema: 'Webhook', description: 'The endpoint, without its secret.' } },
  },
  'DELETE /webhooks/{webhookId}': {
    tag: 'Webhooks',
    summary: 'Delete a webhook endpoint',
    ok: { 204: { schema: null, description: 'Deleted; nothing more is delivered to it.' } },
  },
  'POST /webhooks/{webhookId}/secret': {
    tag: 'Webhooks',
    summary: 'Rotate the signing secret',
    description: 'For 24 h deliveries carry signatures with both the old and the new secret.',
    ok: { 200: { schema: 'WebhookSecret', description: 'The new secret.' } },
  },
  'POST /webhooks/{webhookId}/test': {
    tag: 'Webhooks',
    summary: 'Send a webhook.test event',
    ok: { 202: { schema: 'WebhookTestQueued', description: 'The test event is on its way; `eventId` is its id.' } },
  },
  'GET /webhooks/{webhookId}/deliveries': {
    tag: 'Webhooks',
    summary: "The endpoint's deliveries",
    description: 'Paged with `limit` (1–100, default 25) and `next`.',
    ok: { 200: { schema: 'WebhookDeliveryList', description: 'Newest first.' } },
    errors: { 400: ['invalid_cursor'] },
  },

  'GET /.well-known/jwks.json': {
    tag: 'Service',
    summary: 'The public keys receipts are signed with',
    description:
      'A JSON Web Key Set (P-256, ES256): the current key first, then retired ones, so receipts signed before a key rotation keep verifying. Cacheable for an hour.',
    ok: { 200: { schema: 'Jwks', description: 'The receipt signing keys.' } },
  },
  'GET /tickets/{ticketId}/approval/receipt': {
    tag: 'Tickets',
    summary: "The signed receipt of the ticket's request",
    description:
      'The receipt of the newest request, once it closed (approved, declined or canceled) and was signed: a compact JWS (ES256) and its payload. Verify it with `npx signoff-verify` (README, "Proving an approval to an auditor").',
    ok: { 200: { schema: 'Receipt', description: 'The receipt.' } },
    errors: { 404: ['receipt_not_ready'] },
  },
  'GET /tickets/{ticketId}/receipts': {
    tag: 'Tickets',
    summary: "The ticket's receipt chain",
    description:
      "Every signed receipt of the ticket, oldest first: each payload's `previous` is the hash of the one before. Paged with `limit` (1–100, default 50) and `next`.",
    ok: { 200: { schema: 'ReceiptList', description: 'Oldest first.' } },
    errors: { 400: ['invalid_cursor'] },
  },
  'GET /portal/approvals/{requestId}/receipt': {
    tag: 'Portal',
    summary: 'The signed receipt of a closed request',
    description: 'Answers 404 to anyone who is not one of its recipients, and `receipt_not_ready` while the request is open.',
    ok: { 200: { schema: 'Receipt', description: 'The receipt.' } },
    errors: { 403: ['delisted', 'not_an_approver'], 404: ['receipt_not_ready'] },
  },
};

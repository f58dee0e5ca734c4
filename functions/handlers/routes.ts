/**
 * The route table: every HTTP route and job, with everything anyone needs to know about it —
 * method, path, handler file, the Cognito groups that may call it, its timeout and what its code
 * may touch (lib/handler-access.ts adds the Idempotency-Key records to routes that take them).
 * The CDK stack (functions, roles, environments, routes, authorizer), the local gateway, the
 * handlers (their group check) and the tests all read it; nothing else says these things.
 *
 * One `const` per row, so that a handler that imports its own row (`import * as routes`, then
 * `routes.createApproval`) bundles that row only: esbuild drops the rows and the ROUTES list a
 * bundle does not use. Keep rows plain literals (no calls, no spreads), or every row would land
 * in every bundle (a member access such as `INDEX.due.name` counts as one: index names are
 * written as literals, which IndexName type-checks). test/handlers/routes.test.ts checks that
 * each handler serves its own row, test/lib/bundles.test.ts that its bundle holds no other.
 *
 * test/integration/least-privilege.test.ts runs every handler through its main and error paths
 * and checks that the actions it called are exactly the grants below (actions and indexes;
 * resources and conditions are checked on the template by test/lib/stack.test.ts).
 */
import type { JobDefinition, PublicRoute, RouteDefinition } from './route-definition.js';

/** The EventBridge source of Signoff's events: the dispatcher puts them, the CDK stack archives them. */
export { EVENT_SOURCE as EVENT_BUS_SOURCE } from '../domain/webhook-events.js';
// lib/ and local/ read the groups from here, with the routes; handlers take them from their row.
export { APPROVER_GROUPS, GROUPS, type Group } from '../identity/groups.js';
export * from './route-definition.js';

// Grants, as the code uses them:
// - saveChange (store/approval-repository.ts): Put request + activity + outbox, Update recipients + ticket.
// - saveApprover / delistApprover (store/directory-repository.ts): Put entry, guard, login; Delete old guard, login.
// - deliverOutbox (services/mailer.ts): claim/complete/record (Update), activity (Put); loadRequest (Query).

export const health = {
  name: 'health',
  method: 'GET',
  path: '/health',
  entry: 'functions/handlers/health.ts',
  access: 'public',
  grants: {},
} as const satisfies PublicRoute;

export const portalConfig = {
  name: 'portal-config',
  method: 'GET',
  path: '/portal/config',
  entry: 'functions/handlers/portal/get-config.ts',
  access: 'public',
  grants: { settings: ['userPool', 'portalClient'] },
} as const satisfies PublicRoute;

export const openapi = {
  name: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  entry: 'functions/handlers/openapi.ts',
  access: 'public',
  // Serves the document it was bundled with; touches nothing.
  grants: {},
} as const satisfies PublicRoute;

export const putApprover = {
  name: 'put-approver',
  method: 'PUT',
  path: '/directory/approvers/{approverId}',
  entry: 'functions/handlers/directory/put-approver.ts',
  access: ['technicians'],
  // getApprover + emailOwner (GetItem), saveApprover; provisionLogin / retireLogin in Cognito
  // (AdminListGroupsForUser: another group's login is neither adopted nor disabled).
  grants: {
    table: ['GetItem', 'PutItem', 'DeleteItem'],
    cognito: [
      'AdminCreateUser',
      'AdminGetUser',
      'AdminEnableUser',
      'AdminDisableUser',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminListGroupsForUser',
    ],
    settings: ['userPool'],
  },
} as const satisfies RouteDefinition;

export const listApprovers = {
  name: 'list-approvers',
  method: 'GET',
  path: '/directory/approvers',
  entry: 'functions/handlers/directory/list-approvers.ts',
  access: ['technicians'],
  // listApprovers: Query the directory index by kind.
  grants: { indexes: ['gsi2'] },
} as const satisfies RouteDefinition;

export const deleteApprover = {
  name: 'delete-approver',
  method: 'DELETE',
  path: '/directory/approvers/{approverId}',
  entry: 'functions/handlers/directory/delete-approver.ts',
  access: ['technicians'],
  // getApprover, delistApprover, retireLogin (never disables another group's login: it leaves the approver group).
  grants: {
    table: ['GetItem', 'PutItem', 'DeleteItem'],
    cognito: ['AdminGetUser', 'AdminListGroupsForUser', 'AdminDisableUser', 'AdminRemoveUserFromGroup'],
    settings: ['userPool'],
  },
} as const satisfies RouteDefinition;

export const listTickets = {
  name: 'list-tickets',
  method: 'GET',
  path: '/tickets',
  entry: 'functions/handlers/tickets/list-tickets.ts',
  access: ['technicians'],
  // getTickets (BatchGetItem) or listTicketsByStatus (Query the status index).
  grants: { table: ['BatchGetItem'], indexes: ['gsi2'] },
} as const satisfies RouteDefinition;

export const putTicket = {
  name: 'put-ticket',
  method: 'PUT',
  path: '/tickets/{ticketId}',
  entry: 'functions/handlers/tickets/put-ticket.ts',
  access: ['technicians'],
  // loadTab (GetItem ticket, Query request), saveTicketSnapshot (Update ticket + request, Put activity + snapshot).
  grants: { table: ['GetItem', 'Query', 'UpdateItem', 'PutItem'] },
} as const satisfies RouteDefinition;

export const getActivity = {
  name: 'get-activity',
  method: 'GET',
  path: '/tickets/{ticketId}/activity',
  entry: 'functions/handlers/tickets/get-activity.ts',
  access: ['technicians'],
  // listActivity (Query).
  grants: { table: ['Query'] },
} as const satisfies RouteDefinition;

export const createApproval = {
  name: 'create-approval',
  method: 'POST',
  path: '/tickets/{ticketId}/approval',
  entry: 'functions/handlers/tickets/create-approval.ts',
  access: ['technicians'],
  // getApproversAndDelegations (one BatchGetItem: who is listed, who is away; the substitutes'
  // entries when someone is), saveChange (one transaction; GetItem: idempotency's grant).
  grants: { table: ['BatchGetItem', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const getApproval = {
  name: 'get-approval',
  method: 'GET',
  path: '/tickets/{ticketId}/approval',
  entry: 'functions/handlers/tickets/get-approval.ts',
  access: ['technicians'],
  // loadTab (GetItem ticket, Query the newest request).
  grants: { table: ['GetItem', 'Query'] },
} as const satisfies RouteDefinition;

export const cancelApproval = {
  name: 'cancel-approval',
  method: 'DELETE',
  path: '/tickets/{ticketId}/approval',
  entry: 'functions/handlers/tickets/cancel-approval.ts',
  access: ['technicians'],
  // loadTab, saveChange.
  grants: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const putRecipients = {
  name: 'put-recipients',
  method: 'PUT',
  path: '/tickets/{ticketId}/approval/recipients',
  entry: 'functions/handlers/tickets/put-recipients.ts',
  access: ['technicians'],
  // loadTab, listedApprovers for newcomers, saveChange.
  grants: { table: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const putStageRecipients = {
  name: 'put-stage-recipients',
  method: 'PUT',
  path: '/tickets/{ticketId}/approval/stages/{index}/recipients',
  entry: 'functions/handlers/tickets/put-stage-recipients.ts',
  access: ['technicians'],
  // loadTab, listedApprovers for newcomers, saveChange.
  grants: { table: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const putDeadline = {
  name: 'put-deadline',
  method: 'PUT',
  path: '/tickets/{ticketId}/approval/deadline',
  entry: 'functions/handlers/tickets/put-deadline.ts',
  access: ['technicians'],
  // listedApprovers for escalateTo (BatchGetItem), loadTab, saveChange.
  grants: { table: ['Query', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const sendReminder = {
  name: 'send-reminder',
  method: 'POST',
  path: '/tickets/{ticketId}/approval/recipients/{approverId}/reminders',
  entry: 'functions/handlers/tickets/send-reminder.ts',
  access: ['technicians'],
  // loadTabAndApprover (BatchGetItem of the ticket and the recipient's directory entry, Query), saveChange.
  grants: { table: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const listMyApprovals = {
  name: 'list-my-approvals',
  method: 'GET',
  path: '/portal/approvals',
  entry: 'functions/handlers/portal/list-approvals.ts',
  access: ['users', 'contacts'],
  // approverOf (GetItem login), listApproverRequests (Query the approver index, BatchGetItem requests).
  grants: { table: ['GetItem', 'BatchGetItem'], indexes: ['gsi1'] },
} as const satisfies RouteDefinition;

export const getMyApproval = {
  name: 'get-my-approval',
  method: 'GET',
  path: '/portal/approvals/{requestId}',
  entry: 'functions/handlers/portal/get-approval.ts',
  access: ['users', 'contacts'],
  // approverOf, loadRequest (Query).
  grants: { table: ['GetItem', 'Query'] },
} as const satisfies RouteDefinition;

export const respond = {
  name: 'respond',
  method: 'POST',
  path: '/portal/approvals/{requestId}/responses',
  entry: 'functions/handlers/portal/respond.ts',
  access: ['users', 'contacts'],
  // answerAs: loadRequest with the conversation (Query), the answer's transaction (Put, Update,
  // and the ConditionCheck of the caller's login); the usual way first reads the login (GetItem);
  // after a lost race, loadConversation (GetItem).
  grants: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'] },
} as const satisfies RouteDefinition;

// Delegation (out of office). Grants: the directory entries and delegations (GetItem); set:
// putDelegation (Put); handOverOpenRequests: the waiting requests (Query gsi1), loadRequest
// (Query), saveChange (Put, Update), markDelegationStarted (Update).

export const putMyDelegation = {
  name: 'put-my-delegation',
  method: 'PUT',
  path: '/portal/delegation',
  entry: 'functions/handlers/portal/put-delegation.ts',
  access: ['users', 'contacts'],
  timeoutSeconds: 25,
  grants: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], indexes: ['gsi1'] },
} as const satisfies RouteDefinition;

export const getMyDelegation = {
  name: 'get-my-delegation',
  method: 'GET',
  path: '/portal/delegation',
  entry: 'functions/handlers/portal/get-delegation.ts',
  access: ['users', 'contacts'],
  grants: { table: ['GetItem'] },
} as const satisfies RouteDefinition;

export const deleteMyDelegation = {
  name: 'delete-my-delegation',
  method: 'DELETE',
  path: '/portal/delegation',
  entry: 'functions/handlers/portal/delete-delegation.ts',
  access: ['users', 'contacts'],
  grants: { table: ['GetItem', 'DeleteItem'] },
} as const satisfies RouteDefinition;

export const putDelegation = {
  name: 'put-delegation',
  method: 'PUT',
  path: '/directory/approvers/{approverId}/delegation',
  entry: 'functions/handlers/directory/put-delegation.ts',
  access: ['technicians'],
  timeoutSeconds: 25,
  grants: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], indexes: ['gsi1'] },
} as const satisfies RouteDefinition;

export const getDelegation = {
  name: 'get-delegation',
  method: 'GET',
  path: '/directory/approvers/{approverId}/delegation',
  entry: 'functions/handlers/directory/get-delegation.ts',
  access: ['technicians'],
  grants: { table: ['GetItem'] },
} as const satisfies RouteDefinition;

export const deleteDelegation = {
  name: 'delete-delegation',
  method: 'DELETE',
  path: '/directory/approvers/{approverId}/delegation',
  entry: 'functions/handlers/directory/delete-delegation.ts',
  access: ['technicians'],
  grants: { table: ['GetItem', 'DeleteItem'] },
} as const satisfies RouteDefinition;

export const createWebhook = {
  name: 'create-webhook',
  method: 'POST',
  path: '/webhooks',
  entry: 'functions/handlers/webhooks/create-webhook.ts',
  access: ['technicians'],
  // listEndpoints (Query the webhook list index) to start the counter, putEndpoint with the counter
  // (a transaction: Put + Update); seals the secret, and the reply kept for Idempotency-Key replays.
  grants: { table: ['PutItem', 'UpdateItem'], indexes: ['gsi2'], webhookKey: ['Encrypt', 'Decrypt'] },
} as const satisfies RouteDefinition;

export const listWebhooks = {
  name: 'list-webhooks',
  method: 'GET',
  path: '/webhooks',
  entry: 'functions/handlers/webhooks/list-webhooks.ts',
  access: ['technicians'],
  // listEndpoints.
  grants: { indexes: ['gsi2'] },
} as const satisfies RouteDefinition;

export const getWebhook = {
  name: 'get-webhook',
  method: 'GET',
  path: '/webhooks/{id}',
  entry: 'functions/handlers/webhooks/get-webhook.ts',
  access: ['technicians'],
  // getEndpoint.
  grants: { table: ['GetItem'] },
} as const satisfies RouteDefinition;

export const deleteWebhook = {
  name: 'delete-webhook',
  method: 'DELETE',
  path: '/webhooks/{id}',
  entry: 'functions/handlers/webhooks/delete-webhook.ts',
  access: ['technicians'],
  // deleteEndpoint with the counter (a transaction: Delete + Update).
  grants: { table: ['DeleteItem', 'UpdateItem'] },
} as const satisfies RouteDefinition;

export const rotateWebhookSecret = {
  name: 'rotate-webhook-secret',
  method: 'POST',
  path: '/webhooks/{id}/secret',
  entry: 'functions/handlers/webhooks/rotate-secret.ts',
  access: ['technicians'],
  // rotateSecret (Update); seals the new secret, and the reply kept for Idempotency-Key replays.
  grants: { table: ['UpdateItem'], webhookKey: ['Encrypt', 'Decrypt'] },
} as const satisfies RouteDefinition;

export const testWebhook = {
  name: 'test-webhook',
  method: 'POST',
  path: '/webhooks/{id}/test',
  entry: 'functions/handlers/webhooks/test-webhook.ts',
  access: ['technicians'],
  // getEndpoint, then the test event's outbox item (Put).
  grants: { table: ['GetItem', 'PutItem'] },
} as const satisfies RouteDefinition;

export const listWebhookDeliveries = {
  name: 'list-webhook-deliveries',
  method: 'GET',
  path: '/webhooks/{id}/deliveries',
  entry: 'functions/handlers/webhooks/list-deliveries.ts',
  access: ['technicians'],
  // getEndpoint, listDeliveries (Query).
  grants: { table: ['GetItem', 'Query'] },
} as const satisfies RouteDefinition;

export const jwks = {
  name: 'jwks',
  method: 'GET',
  path: '/.well-known/jwks.json',
  entry: 'functions/handlers/jwks.ts',
  access: 'public',
  // The receipt keys' public halves (GetPublicKey, once per warm function).
  grants: { receiptKey: ['GetPublicKey'] },
} as const satisfies PublicRoute;

export const getApprovalReceipt = {
  name: 'get-approval-receipt',
  method: 'GET',
  path: '/tickets/{ticketId}/approval/receipt',
  entry: 'functions/handlers/tickets/get-receipt.ts',
  access: ['technicians'],
  // currentReceipt: GetItem the ticket (its current request), GetItem the receipt.
  grants: { table: ['GetItem'] },
} as const satisfies RouteDefinition;

export const listTicketReceipts = {
  name: 'list-ticket-receipts',
  method: 'GET',
  path: '/tickets/{ticketId}/receipts',
  entry: 'functions/handlers/tickets/list-receipts.ts',
  access: ['technicians'],
  // listIssuedReceipts (Query the ticket's receipts).
  grants: { table: ['Query'] },
} as const satisfies RouteDefinition;

export const getMyReceipt = {
  name: 'get-my-receipt',
  method: 'GET',
  path: '/portal/approvals/{requestId}/receipt',
  entry: 'functions/handlers/portal/get-receipt.ts',
  access: ['users', 'contacts'],
  // approverOf (GetItem login), the request and its recipients (Query), GetItem the receipt.
  grants: { table: ['GetItem', 'Query'] },
} as const satisfies RouteDefinition;

/** Every HTTP route. */
export const ROUTES = [
  health,
  portalConfig,
  openapi,
  putApprover,
  listApprovers,
  deleteApprover,
  listTickets,
  putTicket,
  getActivity,
  createApproval,
  getApproval,
  cancelApproval,
  putRecipients,
  putDeadline,
  putStageRecipients,
  sendReminder,
  listMyApprovals,
  getMyApproval,
  respond,
  createWebhook,
  listWebhooks,
  getWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
  jwks,
  getApprovalReceipt,
  listTicketReceipts,
  getMyReceipt,
  putMyDelegation,
  getMyDelegation,
  deleteMyDelegation,
  putDelegation,
  getDelegation,
  deleteDelegation,
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof ROUTES)[number];
export type RouteName = Route['name'];

/** Handlers that no HTTP route calls: the stream-fed mailer, the scheduled sweep, SES's reports about sent mail, the webhook dispatcher and the receipt signer. */
export const JOBS = {
  mailer: {
    name: 'mailer',
    entry: 'functions/handlers/jobs/mailer.ts',
    timeoutSeconds: 60,
    // deliverOutbox for each outbox insert on the stream; renders links below PORTAL_URL.
    grants: { table: ['Query', 'UpdateItem', 'PutItem'], sendMail: true, settings: ['mail', 'portalUrl'] },
  },
  sweeper: {
    name: 'sweeper',
    entry: 'functions/handlers/jobs/sweeper.ts',
    timeoutSeconds: 90,
    // The due-work index; loadRequest + saveChange for due reminders and deadlines, getApprovers
    // (BatchGetItem) for an escalation; deliverOutbox; a delegation's start (GetItem it and the
    // substitute, Query gsi1 for the waiting requests, hand them over).
    grants: {
      // GetItem: a delegation's start reads it and the substitute's entry.
      table: ['Query', 'UpdateItem', 'PutItem', 'BatchGetItem', 'GetItem'],
      indexes: ['gsi3', 'gsi1'],
      sendMail: true,
      settings: ['mail', 'portalUrl'],
    },
  },
  mailEvents: {
    name: 'mail-events',
    entry: 'functions/handlers/jobs/mail-events.ts',
    timeoutSeconds: 15,
    // recordDeliveryProblem: read the ticket's request status (Get); Update the recipient and the
    // ticket (the event's place in its sequence), Put the activity entry and the mail.undelivered
    // event, in one transaction.
    grants: { table: ['GetItem', 'UpdateItem', 'PutItem'] },
  },
  dispatcher: {
    name: 'dispatcher',
    entry: 'functions/handlers/jobs/dispatcher.ts',
    // A batch of events, each to every endpoint in parallel, each attempt within 10 s.
    timeoutSeconds: 120,
    // listDueEventsWithTickets (Query the due index), assignSequences (Get the ticket; Update it
    // and its events in one transaction), readEventSequence (Get), claim/progress/reschedule/defer/
    // complete (Update), listEndpoints (Query the webhook list index), getDeliveries (BatchGet),
    // saveDelivery (Put), setEndpointStatus (Update); opens secrets; puts each event on the bus.
    grants: {
      table: ['GetItem', 'UpdateItem', 'BatchGetItem', 'PutItem'],
      indexes: ['gsi2', 'gsi3'],
      webhookKey: ['Decrypt'],
      putEvents: true,
    },
  },
  receipts: {
    name: 'receipts',
    entry: 'functions/handlers/jobs/receipts.ts',
    timeoutSeconds: 60,
    // issueReceipts for each receipt insert on the stream, and the due ones (gsi3 RECEIPTDUE) on a
    // schedule: readReceiptHead (Get), receiptsAfter + loadRequest (Query), saveIssuedReceipt
    // (Update receipt + ticket, Put activity); signs with the current receipt key.
    grants: { table: ['GetItem', 'Query', 'UpdateItem', 'PutItem'], indexes: ['gsi3'], receiptKey: ['Sign'] },
  },
} as const satisfies Record<string, JobDefinition>;

export type Job = (typeof JOBS)[keyof typeof JOBS];
export type JobName = Job['name'];
export type HandlerName = RouteName | JobName;

/** Every function the stack deploys: the routes first, then the jobs. (A function, not a const: see the top.) */
export const allHandlers = (): readonly (Route | Job)[] => [...ROUTES, ...Object.values(JOBS)];

export function routeNamed(name: RouteName): Route {
  const route = ROUTES.find((r) => r.name === name);
  if (!route) throw new Error(`no route ${name}`);
  return route;
}

/**
 * What each handler may touch, read off the code it runs (handler → services → store / identity
 * / mail). Roles and environments are built from this table, so a handler gets exactly the
 * DynamoDB actions, indexes, Cognito actions, SES permission and settings its code uses.
 *
 * DynamoDB authorises a TransactWriteItems per item: each Put, Update, Delete or ConditionCheck
 * in it needs PutItem, UpdateItem, DeleteItem or ConditionCheckItem on the table. Our conditions
 * ride on the writes themselves, so nothing needs ConditionCheckItem; and nothing ever Scans.
 *
 * A new route without an entry here fails synthesis (handlerAccess throws), so a handler can
 * never ship with permissions nobody thought about. test/integration/least-privilege.test.ts
 * runs every handler through its main and error paths and checks that the actions it called
 * are exactly the ones granted (actions and indexes; resources and conditions are checked on
 * the template by test/lib/stack.test.ts).
 */
import { ROUTES } from '../functions/handlers/routes.js';
import type { IndexName } from '../functions/store/table-definition.js';

export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export type CognitoAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminEnableUser'
  | 'AdminDisableUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup';

/** Settings from functions/config.ts a handler reads (TABLE_NAME comes with any table access). */
export type Setting = 'userPool' | 'portalClient' | 'portalUrl' | 'mail';

export interface HandlerAccess {
  /** Actions on the table itself (Query here means a Query on the base table). */
  table?: readonly TableAction[];
  /** Indexes the handler Queries. */
  indexes?: readonly IndexName[];
  cognito?: readonly CognitoAction[];
  /** ses:SendEmail from the sender identity through the configuration set. */
  sendMail?: boolean;
  settings?: readonly Setting[];
}

// store/approval-repository.ts saveChange: Put request + activity + outbox, Update recipients + ticket.
const SAVE_CHANGE = ['PutItem', 'UpdateItem'] as const;
// store/directory-repository.ts saveApprover / delistApprover: Put entry, guard, login; Delete old guard, login.
const SAVE_DIRECTORY = ['PutItem', 'DeleteItem'] as const;
// store/outbox-repository.ts: claim/complete/record (Update), activity (Put); loadRequest (Query).
const DELIVER_OUTBOX = ['Query', 'UpdateItem', 'PutItem'] as const;

export const HANDLER_ACCESS: Readonly<Record<string, HandlerAccess>> = {
  health: {},
  'portal-config': { settings: ['userPool', 'portalClient'] },

  // getApprover + emailOwner (GetItem), saveApprover; provisionLogin / disableLogin in Cognito.
  'put-approver': {
    table: ['GetItem', ...SAVE_DIRECTORY],
    cognito: ['AdminCreateUser', 'AdminGetUser', 'AdminEnableUser', 'AdminDisableUser', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup'],
    settings: ['userPool'],
  },
  // listApprovers: Query gsi2 by kind.
  'list-approvers': { indexes: ['gsi2'] },
  // getApprover, delistApprover, disableLogin.
  'delete-approver': { table: ['GetItem', ...SAVE_DIRECTORY], cognito: ['AdminDisableUser'], settings: ['userPool'] },

  // getTickets (BatchGetItem) or listTicketsByStatus (Query gsi2).
  'list-tickets': { table: ['BatchGetItem'], indexes: ['gsi2'] },
  // loadTab (Query), saveTicketSnapshot (Update ticket + request, Put activity).
  'put-ticket': { table: ['Query', 'UpdateItem', 'PutItem'] },
  // listActivity (Query).
  'get-activity': { table: ['Query'] },
  // listedApprovers (BatchGetItem), saveChange.
  'create-approval': { table: ['BatchGetItem', ...SAVE_CHANGE] },
  // loadTab.
  'get-approval': { table: ['Query'] },
  // loadTab, saveChange.
  'cancel-approval': { table: ['Query', ...SAVE_CHANGE] },
  // loadTab, listedApprovers for newcomers, saveChange.
  'put-recipients': { table: ['Query', 'BatchGetItem', ...SAVE_CHANGE] },
  // listedApprovers for escalateTo (BatchGetItem), loadTab, saveChange.
  'put-deadline': { table: ['Query', 'BatchGetItem', ...SAVE_CHANGE] },
  // loadTab, saveChange.
  'send-reminder': { table: ['Query', ...SAVE_CHANGE] },

  // approverOf (GetItem login), listApproverRequests (Query gsi1, BatchGetItem requests).
  'list-my-approvals': { table: ['GetItem', 'BatchGetItem'], indexes: ['gsi1'] },
  // approverOf, loadRequest (Query).
  'get-my-approval': { table: ['GetItem', 'Query'] },
  // approverOf, loadRequest, saveChange.
  respond: { table: ['GetItem', 'Query', ...SAVE_CHANGE] },

  // deliverOutbox for each outbox insert on the stream; renders links below PORTAL_URL.
  mailer: { table: DELIVER_OUTBOX, sendMail: true, settings: ['mail', 'portalUrl'] },
  // listDueReminders + listDueOutbox (Query gsi3); loadRequest + saveChange for due reminders and
  // deadlines, getApprovers (BatchGetItem) for an escalation; deliverOutbox.
  sweeper: { table: [...DELIVER_OUTBOX, 'BatchGetItem'], indexes: ['gsi3'], sendMail: true, settings: ['mail', 'portalUrl'] },
  // recordDeliveryProblem: Update the recipient and Put the activity entry, in one transaction.
  'mail-events': { table: ['UpdateItem', 'PutItem'] },
};

/**
 * http/idempotency.ts on every POST, PUT and DELETE with a token: start (Put), replay (Get),
 * complete (Update), release after an error (Delete) of the IDEM# record.
 */
export const IDEMPOTENCY: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

const usesIdempotency = (name: string) => ROUTES.some((r) => r.name === name && r.access !== 'public' && r.method !== 'GET');

/** What a handler may touch: its entry above, and the Idempotency-Key records if its route takes them. */
export function handlerAccess(name: string): HandlerAccess {
  const access = HANDLER_ACCESS[name];
  if (!access) throw new Error(`lib/handler-access.ts has no entry for handler "${name}": add what its code reads and writes`);
  if (!usesIdempotency(name)) return access;
  return { ...access, table: [...new Set([...(access.table ?? []), ...IDEMPOTENCY])] };
}

export const usesTable = (access: HandlerAccess) => (access.table?.length ?? 0) + (access.indexes?.length ?? 0) > 0;

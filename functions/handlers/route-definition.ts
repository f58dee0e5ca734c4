/**
 * The shape of a row of the route table (routes.ts): what the CDK stack, the local gateway, the
 * handlers and the tests need to know about one route or job, in one place.
 */
import type { Group } from '../identity/groups.js';
import type { IndexName } from '../store/table-definition.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

export type CognitoAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminEnableUser'
  | 'AdminDisableUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminListGroupsForUser';

/** Settings from functions/config.ts a handler reads (TABLE_NAME comes with any table access). */
export type Setting = 'userPool' | 'portalClient' | 'portalUrl' | 'mail';

/**
 * What a handler may touch, read off the code it runs (handler → services → store / identity /
 * mail). Its role and environment are built from this and nothing else.
 *
 * DynamoDB authorises a TransactWriteItems per item: each Put, Update, Delete or ConditionCheck
 * in it needs PutItem, UpdateItem, DeleteItem or ConditionCheckItem on the table. Our conditions
 * ride on the writes themselves, but for one: an answer checks the caller's login item in its
 * transaction (ConditionCheckItem) instead of reading it first. Nothing ever Scans.
 */
export interface Grants {
  /** Actions on the table itself (Query here means a Query on the base table). */
  table?: readonly TableAction[];
  /** Indexes the handler Queries. */
  indexes?: readonly IndexName[];
  cognito?: readonly CognitoAction[];
  /** ses:SendEmail from the sender identity through the configuration set. */
  sendMail?: boolean;
  settings?: readonly Setting[];
  /** What it does with the KMS key that seals webhook secrets (functions/webhooks/secret-box.ts); gives WEBHOOK_KEY_ID. */
  webhookKey?: readonly ('Encrypt' | 'Decrypt')[];
  /** events:PutEvents on the `signoff` bus only (functions/webhooks/bus.ts); gives EVENT_BUS_NAME. */
  putEvents?: boolean;
  /**
   * What it does with the receipt signing keys (functions/signing/): `Sign` on the current key
   * only, `GetPublicKey` on the current and retired ones; gives RECEIPT_KEY_IDS.
   */
  receiptKey?: readonly ('Sign' | 'GetPublicKey')[];
}

/** Who may call a route: Cognito groups (checked by the http layer), or anyone. */
export type Access = readonly Group[] | 'public';

export interface RouteDefinition {
  /** Short name, used for function, construct and log names. */
  name: string;
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  /** Handler entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  access: Access;
  /** Seconds the function may run; API Gateway gives up after 30. Default ROUTE_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  grants: Grants;
}

/** A handler no HTTP route calls (stream, schedule, EventBridge). */
export interface JobDefinition {
  name: string;
  entry: string;
  timeoutSeconds: number;
  grants: Grants;
}

/** A route without a timeout of its own answers within this. */
export const ROUTE_TIMEOUT_SECONDS = 15;

/** A route that takes a token, with the groups the http layer lets in. */
export type ProtectedRoute = RouteDefinition & { access: readonly Group[] };
export type PublicRoute = RouteDefinition & { access: 'public' };

/** Whether callers in `group` may call a route of this access (a public route takes anyone). */
export const admits = (access: Access, group: Group): boolean => access === 'public' || (access as readonly Group[]).includes(group);

export const timeoutOf = (handler: RouteDefinition | JobDefinition): number => handler.timeoutSeconds ?? ROUTE_TIMEOUT_SECONDS;

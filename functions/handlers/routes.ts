/**
 * The route table: every HTTP route, the handler file that serves it and the Cognito groups
 * that may call it. The local gateway and the CDK api construct both read this; nothing else
 * decides who may call what at the edge.
 */
import { APPROVER_GROUPS, type Group } from '../identity/groups.js';

// lib/ and local/ read the groups from here, with the routes; handlers take them from identity/.
export { APPROVER_GROUPS, GROUPS, type Group } from '../identity/groups.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  /** Handler entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  /** Groups allowed to call it, or `public` for routes without a token. */
  access: readonly Group[] | 'public';
  /** Short name, used for function and log names. */
  name: string;
}

const h = (file: string) => `functions/handlers/${file}.ts`;
const TECHNICIANS = ['technicians'] as const;

export const ROUTES: readonly RouteDefinition[] = [
  { name: 'health', method: 'GET', path: '/health', entry: h('health'), access: 'public' },
  { name: 'portal-config', method: 'GET', path: '/portal/config', entry: h('portal/get-config'), access: 'public' },

  {
    name: 'put-approver',
    method: 'PUT',
    path: '/directory/approvers/{approverId}',
    entry: h('directory/put-approver'),
    access: TECHNICIANS,
  },
  { name: 'list-approvers', method: 'GET', path: '/directory/approvers', entry: h('directory/list-approvers'), access: TECHNICIANS },
  {
    name: 'delete-approver',
    method: 'DELETE',
    path: '/directory/approvers/{approverId}',
    entry: h('directory/delete-approver'),
    access: TECHNICIANS,
  },

  { name: 'list-tickets', method: 'GET', path: '/tickets', entry: h('tickets/list-tickets'), access: TECHNICIANS },
  { name: 'put-ticket', method: 'PUT', path: '/tickets/{ticketId}', entry: h('tickets/put-ticket'), access: TECHNICIANS },
  { name: 'get-activity', method: 'GET', path: '/tickets/{ticketId}/activity', entry: h('tickets/get-activity'), access: TECHNICIANS },
  {
    name: 'create-approval',
    method: 'POST',
    path: '/tickets/{ticketId}/approval',
    entry: h('tickets/create-approval'),
    access: TECHNICIANS,
  },
  { name: 'get-approval', method: 'GET', path: '/tickets/{ticketId}/approval', entry: h('tickets/get-approval'), access: TECHNICIANS },
  {
    name: 'cancel-approval',
    method: 'DELETE',
    path: '/tickets/{ticketId}/approval',
    entry: h('tickets/cancel-approval'),
    access: TECHNICIANS,
  },
  {
    name: 'put-recipients',
    method: 'PUT',
    path: '/tickets/{ticketId}/approval/recipients',
    entry: h('tickets/put-recipients'),
    access: TECHNICIANS,
  },
  {
    name: 'put-deadline',
    method: 'PUT',
    path: '/tickets/{ticketId}/approval/deadline',
    entry: h('tickets/put-deadline'),
    access: TECHNICIANS,
  },
  {
    name: 'send-reminder',
    method: 'POST',
    path: '/tickets/{ticketId}/approval/recipients/{approverId}/reminders',
    entry: h('tickets/send-reminder'),
    access: TECHNICIANS,
  },

  { name: 'list-my-approvals', method: 'GET', path: '/portal/approvals', entry: h('portal/list-approvals'), access: APPROVER_GROUPS },
  {
    name: 'get-my-approval',
    method: 'GET',
    path: '/portal/approvals/{requestId}',
    entry: h('portal/get-approval'),
    access: APPROVER_GROUPS,
  },
  { name: 'respond', method: 'POST', path: '/portal/approvals/{requestId}/responses', entry: h('portal/respond'), access: APPROVER_GROUPS },
];

/** Handlers that no HTTP route calls: the stream-fed mailer, the scheduled sweep, and SES's reports about sent mail. */
export const JOBS = {
  mailer: { name: 'mailer', entry: h('jobs/mailer') },
  sweeper: { name: 'sweeper', entry: h('jobs/sweeper') },
  mailEvents: { name: 'mail-events', entry: h('jobs/mail-events') },
} as const;

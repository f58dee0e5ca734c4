import { NotFoundError } from '../domain/errors.js';
import type { ApproverKind, RequestStatus } from '../domain/types.js';

/**
 * Every key of the one table is built here, and nowhere else. Item types and their keys:
 *
 * | item        | pk                   | sk                       | gsi1 (pk / sk)                 | gsi2 (pk / sk)                         | gsi3 (pk / sk)      |
 * |-------------|----------------------|--------------------------|--------------------------------|----------------------------------------|---------------------|
 * | ticket      | TICKET#<ticketId>    | TICKET                   |                                | STATUS#<approvalStatus> / <updatedAt>#<ticketId> (while it has one) | |
 * | request     | TICKET#<ticketId>    | REQ#<ulid>               |                                |                                        | REMIND / <dueAt>#<requestId> (while open with a reminder or deadline to come; dueAt = the earlier) |
 * | recipient   | TICKET#<ticketId>    | REQ#<ulid>#RCP#<approverId> | APPROVER#<approverId> / REQ#<ulid> |                                 |                     |
 * | activity    | TICKET#<ticketId>    | ACT#<at>#<ulid or ses-report id> |                                |                                        |                     |
 * | approver    | APPROVER#<approverId>| PROFILE                  |                                | DIRECTORY#<kind> / <name>#<approverId> (while listed) | |
 * | email guard | EMAIL#<email>        | EMAIL                    |                                |                                        |                     |
 * | login       | LOGIN#<cognito sub>  | LOGIN                    |                                |                                        |                     |
 * | outbox      | OUTBOX#<ulid>        | OUTBOX                   |                                |                                        | DUE / <dueAt>#<ulid> (while due) |
 * | idempotency | IDEM#<caller>#<key>  | IDEM                     |                                |                                        |                     |
 *
 * Access patterns:
 * 1. Approvals tab: Query pk = TICKET#t, sk >= REQ# descending: the ticket, then the newest
 *    request's recipients and the request itself (older requests follow and are not read on).
 * 2. Approval status column: BatchGetItem of TICKET#t / TICKET for a page of tickets.
 * 3. Tickets by approval status: Query gsi2 pk = STATUS#<status>.
 * 4. An approver's requests: Query gsi1 pk = APPROVER#a descending (ULIDs sort by time), then
 *    BatchGetItem of the requests for their status; open ones are put first.
 * 5. A request by id: the public request id carries the ticket id, so the portal reads the
 *    request and its recipients with one Query pk = TICKET#t, sk begins_with REQ#<ulid>.
 * 6. Directory entry: GetItem APPROVER#a; email uniqueness: the EMAIL guard item is written in
 *    the same transaction with attribute_not_exists; the directory by kind: Query gsi2.
 * 7. Due work: Query gsi3 pk = DUE, sk <= now (sparse: only outbox items still to send), and
 *    pk = REMIND, sk <= now (open requests whose automatic reminder or deadline is due).
 * The activity log: Query pk = TICKET#t, sk begins_with ACT#.
 */
export const keys = {
  ticket: (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' }),
  ticketPartition: (ticketId: string) => `TICKET#${ticketId}`,
  requestPrefix: 'REQ#',
  request: (ticketId: string, requestKey: string) => ({ pk: `TICKET#${ticketId}`, sk: `REQ#${requestKey}` }),
  recipient: (ticketId: string, requestKey: string, approverId: string) => ({
    pk: `TICKET#${ticketId}`,
    sk: `REQ#${requestKey}#RCP#${approverId}`,
  }),
  isRecipientSk: (sk: string) => sk.includes('#RCP#'),
  activityPrefix: 'ACT#',
  activity: (ticketId: string, at: string, id: string) => ({ pk: `TICKET#${ticketId}`, sk: `ACT#${at}#${id}` }),
  approver: (approverId: string) => ({ pk: `APPROVER#${approverId}`, sk: 'PROFILE' }),
  emailGuard: (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  login: (sub: string) => ({ pk: `LOGIN#${sub}`, sk: 'LOGIN' }),
  outbox: (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'OUTBOX' }),
  idempotency: (caller: string, key: string) => ({ pk: `IDEM#${caller}#${key}`, sk: 'IDEM' }),
} as const;

export const indexKeys = {
  /** gsi1: an approver's requests, newest first. */
  approverRequests: (approverId: string, requestKey: string) => ({
    gsi1pk: `APPROVER#${approverId}`,
    gsi1sk: `REQ#${requestKey}`,
  }),
  approverRequestsPk: (approverId: string) => `APPROVER#${approverId}`,
  /** gsi2: tickets by approval status. */
  ticketStatus: (status: RequestStatus, updatedAt: string, ticketId: string) => ({
    gsi2pk: `STATUS#${status}`,
    gsi2sk: `${updatedAt}#${ticketId}`,
  }),
  ticketStatusPk: (status: RequestStatus) => `STATUS#${status}`,
  /** gsi2: the directory by kind, by name. */
  directory: (kind: ApproverKind, name: string, approverId: string) => ({
    gsi2pk: `DIRECTORY#${kind}`,
    gsi2sk: `${name.toLowerCase()}#${approverId}`,
  }),
  directoryPk: (kind: ApproverKind) => `DIRECTORY#${kind}`,
  /** gsi3: due work, by due time. */
  due: (dueAt: string, id: string) => ({ gsi3pk: 'DUE', gsi3sk: `${dueAt}#${id}` }),
  duePk: 'DUE',
  /** gsi3: open requests with an automatic reminder or a deadline, by when the first is due (domain/deadline.ts nextDueAt). */
  reminderDue: (dueAt: string, requestId: string) => ({ gsi3pk: 'REMIND', gsi3sk: `${dueAt}#${requestId}` }),
  reminderDuePk: 'REMIND',
} as const;

/**
 * The public request id: the request's ULID and its ticket id, so the portal can find the
 * request with one Query and no index. Opaque to callers.
 */
export function toRequestId(ticketId: string, requestKey: string): string {
  return `${requestKey}.${Buffer.from(ticketId, 'utf8').toString('base64url')}`;
}

export function fromRequestId(requestId: string): { ticketId: string; requestKey: string } {
  const match = /^([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]+)$/.exec(requestId);
  const ticketId = match?.[2] ? Buffer.from(match[2], 'base64url').toString('utf8') : '';
  if (!match?.[1] || !ticketId) throw new NotFoundError('not_found', 'No such approval request.');
  return { ticketId, requestKey: match[1] };
}

import type { ApproverKind, RequestStatus } from '../domain/types.js';

/**
 * Every key of the one table is built here, and nowhere else. Item types and their keys:
 *
 * | item        | pk                   | sk                       | gsi1 (pk / sk)                 | gsi2 (pk / sk)                         | gsi3 (pk / sk)      |
 * |-------------|----------------------|--------------------------|--------------------------------|----------------------------------------|---------------------|
 * | ticket      | TICKET#<ticketId>    | TICKET                   |                                | STATUS#<approvalStatus>#<shard> / <updatedAt>#<ticketId> (while it has one) | |
 * | request     | TICKET#<ticketId>    | REQ#<ulid>               |                                |                                        | DUE#<shard> / <dueAt>#<requestId> (while open with a reminder or deadline to come; dueAt = the earlier) |
 * | recipient   | TICKET#<ticketId>    | REQ#<ulid>#RCP#<approverId> | APPROVER#<approverId>[#WAITING] / REQ#<ulid> |                       |                     |
 * | snapshot    | TICKET#<ticketId>    | REQ#<ulid>#SNAPSHOT      |                                |                                        |                     |
 * | content     | TICKET#<ticketId>    | CONTENT#<ulid>#<version, 6 digits> |                      |                                        |                     |
 * | activity    | TICKET#<ticketId>    | ACT#<at>#<ulid or ses-report id> |                                |                                        |                     |
 * | approver    | APPROVER#<approverId>| PROFILE                  |                                | DIRECTORY#<kind> / <name>#<approverId> (while listed) | |
 * | delegation  | APPROVER#<approverId>| DELEGATION               |                                |                                        | DUE#<shard> / <from>#<approverId> (until its open requests are handed over) |
 * | email guard | EMAIL#<email>        | EMAIL                    |                                |                                        |                     |
 * | login       | LOGIN#<cognito sub>  | LOGIN                    |                                |                                        |                     |
 * | outbox      | OUTBOX#<ulid>        | OUTBOX                   |                                |                                        | DUE#<shard> / <dueAt>#<ulid> (while due) |
 * | outbox mail | OUTBOX#<ulid>        | MAIL#<index, 3 digits>   |                                |                                        |                     |
 * | idempotency | IDEM#<caller>#<key>  | IDEM                     |                                |                                        |                     |
 * | webhook     | WEBHOOK#<id>         | WEBHOOK                  |                                | WEBHOOKS / <createdAt>#<id>            |                     |
 * | webhook count | WEBHOOKS           | COUNT                    |                                |                                        |                     |
 * | delivery    | WEBHOOK#<id>         | DLV#<event ulid>         |                                |                                        |                     |
 * | event       | EVENT#<ulid>         | EVENT                    |                                |                                        | EVENTDUE / <dueAt>#<ulid> (while due) |
 * | receipt     | TICKET#<ticketId>    | RECEIPT#<request ulid>   |                                |                                        | RECEIPTDUE / <closedAt>#<requestId> (until signed) |
 *
 * Access patterns:
 * 1. Approvals tab: GetItem TICKET#t / TICKET (its `currentRequestKey` names the newest request),
 *    then Query pk = TICKET#t, sk BETWEEN REQ#<key> AND REQ#<key>#RCP$: the request and its
 *    recipients and nothing else: no older round, no conversation (it is on the snapshot item).
 * 2. Approval status column: BatchGetItem of TICKET#t / TICKET for a page of tickets.
 * 3. Tickets by approval status: Query gsi2 pk = STATUS#<status>#<shard> for every shard, merged
 *    newest first; the cursor is the last sort key shown.
 * 4. An approver's requests: Query gsi1 pk = APPROVER#a#WAITING (open, they are pending), then
 *    pk = APPROVER#a (all others), each descending (ULIDs sort by time), a page at a time; then
 *    BatchGetItem of the page's requests for their headline and status.
 * 5. A request by id: the public request id carries the ticket id, so the portal reads the
 *    request and its recipients with one Query pk = TICKET#t, sk begins_with REQ#<ulid>.
 * 6. Directory entry: GetItem APPROVER#a; email uniqueness: the EMAIL guard item is written in
 *    the same transaction with attribute_not_exists; the directory by kind: Query gsi2.
 * 7. Due work: Query gsi3 pk = DUE#<shard>, sk <= now, every shard (sparse: only outbox items
 *    still to send and open requests whose automatic reminder or deadline is due; `entity`
 *    tells which).
 * The activity log: Query pk = TICKET#t, sk begins_with ACT#.
 * Content versions of a request (what its approvers were shown, as RFC 8785 JSON, one item per
 * version, outside the REQ# range so that no request read touches them): GetItem by version.
 * The mails of an outbox entry: Query pk = OUTBOX#o, sk begins_with MAIL# (the mailer's claims).
 * Delegation: GetItem APPROVER#a / DELEGATION; a new request's recipients' delegations in the
 *    one BatchGetItem of their directory entries (APPROVER#a / PROFILE and / DELEGATION together);
 *    the open requests a starting delegation hands over: Query gsi1
 *    pk = APPROVER#a#WAITING (pattern 4's first half), at most DELEGATION_LIMITS.openRequestsHandedOver.
 * 8. Webhook endpoints: GetItem WEBHOOK#w; all of them (at most MAX_WEBHOOKS): Query gsi2
 *    pk = WEBHOOKS. An endpoint's deliveries, newest first: Query pk = WEBHOOK#w, sk begins_with
 *    DLV# descending, paged. The WEBHOOKS / COUNT item counts them, updated with a condition in
 *    the transaction that puts or deletes one (the limit holds under concurrency). Events still to deliver: Query gsi3 pk = EVENTDUE, sk <= now. The
 *    ticket item keeps the count of its events, `eventSequence`, and `unsequenced`, the keys of
 *    those not numbered yet, in commit order (event-outbox.ts, assignSequences).
 * 9. Receipts: written unsigned in the transaction that closes a request, signed by the receipt
 *    job in request order; the ticket item's `receiptHead` names the last signed one (the chain's
 *    head). A ticket's receipts: Query pk = TICKET#t, sk BETWEEN RECEIPT# AND RECEIPT$ (paged);
 *    one: GetItem. Receipts still to sign: Query gsi3 pk = RECEIPTDUE, sk <= now.
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
  /** What the request's approvers are shown beyond its headline: the conversation, stored once. */
  requestSnapshot: (ticketId: string, requestKey: string) => ({ pk: `TICKET#${ticketId}`, sk: `REQ#${requestKey}#SNAPSHOT` }),
  /**
   * The sort-key range of a request and its recipients without its snapshot: `#RCP$` is past
   * every `#RCP#…` and before `#SNAPSHOT`, so the tab and every technician change read no conversation.
   */
  requestAndRecipients: (requestKey: string) => ({ from: `REQ#${requestKey}`, to: `REQ#${requestKey}#RCP$` }),
  /** One content version of a request: its canonical JSON and hash (domain/content.ts). */
  contentVersion: (ticketId: string, requestKey: string, version: number) => ({
    pk: `TICKET#${ticketId}`,
    sk: `CONTENT#${requestKey}#${String(version).padStart(6, '0')}`,
  }),
  activityPrefix: 'ACT#',
  activity: (ticketId: string, at: string, id: string) => ({ pk: `TICKET#${ticketId}`, sk: `ACT#${at}#${id}` }),
  approver: (approverId: string) => ({ pk: `APPROVER#${approverId}`, sk: 'PROFILE' }),
  /** The approver's delegation (out of office), at most one; domain/delegation.ts. */
  delegation: (approverId: string) => ({ pk: `APPROVER#${approverId}`, sk: 'DELEGATION' }),
  emailGuard: (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  login: (sub: string) => ({ pk: `LOGIN#${sub}`, sk: 'LOGIN' }),
  outbox: (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'OUTBOX' }),
  /** One mail of an outbox entry: its claim, its outcome and SES's id, in an item of its own (fixed size). */
  outboxMail: (id: string, index: number) => ({ pk: `OUTBOX#${id}`, sk: `MAIL#${String(index).padStart(3, '0')}` }),
  outboxPartition: (id: string) => `OUTBOX#${id}`,
  outboxMailPrefix: 'MAIL#',
  idempotency: (caller: string, key: string) => ({ pk: `IDEM#${caller}#${key}`, sk: 'IDEM' }),
} as const;

/** Webhook endpoints and their deliveries (apart from `keys`, so that handlers without webhooks do not bundle them). */
export const webhookKeys = {
  webhook: (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' }),
  webhookPartition: (id: string) => `WEBHOOK#${id}`,
  deliveryPrefix: 'DLV#',
  delivery: (webhookId: string, eventKey: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: `DLV#${eventKey}` }),
  /** gsi2: webhook endpoints, oldest first. */
  webhookList: (createdAt: string, id: string) => ({ gsi2pk: 'WEBHOOKS', gsi2sk: `${createdAt}#${id}` }),
  webhookListPk: 'WEBHOOKS',
  /** How many endpoints there are: the limit's counter. */
  webhookCount: { pk: 'WEBHOOKS', sk: 'COUNT' },
} as const;

/** The event outbox: one item per event; due (gsi3, a partition apart from the mail's) until delivered. */
export const eventKeys = {
  event: (eventKey: string) => ({ pk: `EVENT#${eventKey}`, sk: 'EVENT' }),
  due: (dueAt: string, eventKey: string) => ({ gsi3pk: 'EVENTDUE', gsi3sk: `${dueAt}#${eventKey}` }),
  duePk: 'EVENTDUE',
} as const;

/**
 * Write sharding of the index partitions every change would otherwise write to one key. One
 * partition key of an index takes at most 1,000 writes/s; sharded, that is ×N, and a read that
 * needs them all queries N keys in parallel (docs/scale.md):
 * - due: 8. Every outbox item enters and leaves the due index (two index writes per item, one
 *   item per mail), and reminders and retries move within it; 8 keys take 8,000 index writes/s,
 *   far past the mail rate SES allows one account, for 8 cheap queries per sweep.
 * - status: 4. A ticket's status changes a few times in its life; 4 keys take 4,000 status
 *   changes/s, and a page of the status list merges 4 queries.
 */
export const SHARDS = { due: 8, status: 4 } as const;

/** FNV-1a of the id: the same id always lands on the same shard, and ids spread evenly. */
function shardOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

const shards = (count: number) => Array.from({ length: count }, (_, n) => n);

export const indexKeys = {
  /**
   * gsi1: an approver's requests, newest first, in two partitions: those waiting on them (open,
   * and they are pending) and all others. The portal lists the first before the second, so an
   * open request is never behind a page of closed ones.
   */
  approverRequests: (approverId: string, requestKey: string, waiting: boolean) => ({
    gsi1pk: indexKeys.approverRequestsPk(approverId, waiting),
    gsi1sk: `REQ#${requestKey}`,
  }),
  approverRequestsPk: (approverId: string, waiting: boolean) => `APPROVER#${approverId}${waiting ? '#WAITING' : ''}`,
  /** gsi2: tickets by approval status, write-sharded by ticket (see SHARDS). */
  ticketStatus: (status: RequestStatus, updatedAt: string, ticketId: string) => ({
    gsi2pk: `STATUS#${status}#${shardOf(ticketId, SHARDS.status)}`,
    gsi2sk: `${updatedAt}#${ticketId}`,
  }),
  /** Every partition that holds tickets of this status: its shards. */
  ticketStatusPks: (status: RequestStatus) => shards(SHARDS.status).map((n) => `STATUS#${status}#${n}`),
  /** gsi2: the directory by kind, by name. */
  directory: (kind: ApproverKind, name: string, approverId: string) => ({
    gsi2pk: `DIRECTORY#${kind}`,
    gsi2sk: `${name.toLowerCase()}#${approverId}`,
  }),
  directoryPk: (kind: ApproverKind) => `DIRECTORY#${kind}`,
  /**
   * gsi3: work that is due, by due time: unsent outbox items, open requests at their next
   * automatic reminder or deadline (domain/deadline.ts nextDueAt), and every other kind that
   * comes due. The one builder of due keys: the sweep finds whatever uses it. Write-sharded by the item's id (see SHARDS).
   */
  due: (dueAt: string, id: string) => ({ gsi3pk: `DUE#${shardOf(id, SHARDS.due)}`, gsi3sk: `${dueAt}#${id}` }),
  /** Every partition of due work: its shards, one Query each per sweep. */
  duePks: () => shards(SHARDS.due).map((n) => `DUE#${n}`),
} as const;

/**
 * The index partitions of the release before sharding, which nothing reads any more: only the
 * migration (store/migrations/shard-legacy-index-keys.ts) looks for items still keyed on them
 * and moves each onto its shard. Their sort keys were those of today's builders:
 * - due (gsi3): `DUE` (outbox items) and `REMIND` (open requests at their next reminder),
 *   sort key `<dueAt>#<id>` as `indexKeys.due` builds it;
 * - status (gsi2): `STATUS#<status>`, sort key `<updatedAt>#<ticketId>` as `indexKeys.ticketStatus`.
 */
/** A `<time>#<id>` sort key's two parts, or null when it is not one. */
function timeAndId(sortKey: string): [string, string] | null {
  const at = sortKey.indexOf('#');
  return at > 0 && at < sortKey.length - 1 ? [sortKey.slice(0, at), sortKey.slice(at + 1)] : null;
}

export const legacyIndexKeys = {
  duePks: ['DUE', 'REMIND'],
  ticketStatusPk: (status: RequestStatus) => `STATUS#${status}`,
  /** The shard key of an item found on a legacy due partition, from its sort key (null if it is not `<dueAt>#<id>`). */
  dueOnShard: (gsi3sk: string) => {
    const parts = timeAndId(gsi3sk);
    return parts ? indexKeys.due(...parts) : null;
  },
  /** The shard key of a ticket found on a legacy status partition (null if its sort key is not `<updatedAt>#<ticketId>`). */
  statusOnShard: (status: RequestStatus, gsi2sk: string) => {
    const parts = timeAndId(gsi2sk);
    return parts ? indexKeys.ticketStatus(status, ...parts) : null;
  },
} as const;

/** Receipts of closed requests (access pattern 9): on the ticket's partition, in request order. */
export const receiptKeys = {
  receipt: (ticketId: string, requestKey: string) => ({ pk: `TICKET#${ticketId}`, sk: `RECEIPT#${requestKey}` }),
  /** The sort-key range of every receipt of a ticket (`$` sorts right after `#`). */
  range: { from: 'RECEIPT#', to: 'RECEIPT$' },
  keyOf: (sk: string) => sk.slice('RECEIPT#'.length),
  due: (closedAt: string, requestId: string) => ({ gsi3pk: 'RECEIPTDUE', gsi3sk: `${closedAt}#${requestId}` }),
  duePk: 'RECEIPTDUE',
} as const;

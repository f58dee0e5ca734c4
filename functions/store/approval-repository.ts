import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEvent } from '../domain/activity.js';
import type { Change } from '../domain/approval-request.js';
import { approvalStatusOf } from '../domain/approval-request.js';
import { nextDueAt } from '../domain/deadline.js';
import { ConflictError } from '../domain/errors.js';
import { isOpen } from '../domain/policy.js';
import { approvalsToGo, type QuickAnswer } from '../domain/quick-answer.js';
import { fromRequestId, toRequestId } from '../domain/request-id.js';
import { hasStarted, inCurrentStage, stageProgress } from '../domain/stages.js';
import type { ApprovalRequest, Recipient, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { eventsOfChange } from '../domain/webhook-events.js';
import { activityWrites } from './activity-repository.js';
import {
  baseVersions,
  inlineConversation,
  recipientDomainFields,
  requestAttributes,
  type TicketRecord,
  ticketHeadline,
  toRequest,
  toTicketRecord,
} from './approval-records.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { type DirectoryEntry, toDirectoryEntry } from './directory-repository.js';
import { backlogRefusal, eventWrites, sequenceAppend } from './event-outbox.js';
import { ulid } from './ids.js';
import { indexKeys, keys } from './keys.js';
import { outboxWrite } from './outbox-repository.js';
import { decodeCursor, encodeCursor, invalidCursor } from './paging.js';
import { queryAll } from './query.js';
import { pendingReceiptWrite } from './receipt-repository.js';
import { INDEX } from './table-definition.js';
import { StaleStateError, type TxWrite, transact, txPut, txUpdate } from './transaction.js';

type Item = Record<string, unknown>;
const OPEN_REQUEST_EXISTS = 'This ticket already has an open approval request.';
export interface Tab {
  ticket: TicketRecord;
  request: ApprovalRequest | null;
}

/** The id of a request not saved yet: its key sorts after every earlier request of the ticket. */
export const newRequestId = (ticketId: string) => toRequestId(ticketId, ulid());

/**
 * Access pattern 1: the ticket, then its newest request and that request's recipients, and
 * nothing more: the cost does not grow with earlier rounds or with the conversation.
 */
export async function loadTab(ticketId: string): Promise<Tab> {
  const ticketItem = (await documents.send(new GetCommand({ TableName: tableName(), Key: keys.ticket(ticketId), ConsistentRead: true })))
    .Item;
  return tabOf(ticketId, ticketItem);
}

/**
 * loadTab and one approver's directory entry, the ticket and the entry in one BatchGetItem (a
 * reminder asks whether its recipient is still listed): as many round trips as loadTab.
 */
export async function loadTabAndApprover(ticketId: string, approverId: string): Promise<{ tab: Tab; approver: DirectoryEntry | null }> {
  const ticketKey = keys.ticket(ticketId);
  const items = await batchGet([ticketKey, keys.approver(approverId)], { consistent: true });
  const ticketItem = items.find((item) => item.pk === ticketKey.pk && item.sk === ticketKey.sk);
  const entry = items.find((item) => item !== ticketItem);
  return { tab: await tabOf(ticketId, ticketItem), approver: entry ? toDirectoryEntry(entry) : null };
}

/** The tab from the ticket item read: its newest request and that request's recipients. */
async function tabOf(ticketId: string, ticketItem: Item | undefined): Promise<Tab> {
  const ticket = toTicketRecord(ticketId, ticketItem);
  if (!ticket.currentRequestKey) return { ticket, request: null };
  const range = keys.requestAndRecipients(ticket.currentRequestKey);
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.ticketPartition(ticketId), ':from': range.from, ':to': range.to },
    ConsistentRead: true,
  });
  return { ticket, request: assemble(items) };
}

function assemble(items: Item[]): ApprovalRequest | null {
  const meta = items.find((i) => i.entity === 'request');
  if (!meta) return null;
  return toRequest(
    meta,
    items.filter((i) => i.entity === 'recipient'),
    items.find((i) => i.entity === 'snapshot'),
  );
}

/**
 * Access pattern 5: one request and its recipients by the public request id; with its
 * conversation (the portal page and the mails show it) unless `conversation: false`.
 */
export async function loadRequest(requestId: string, options: { conversation?: boolean } = {}): Promise<ApprovalRequest | null> {
  const { ticketId, requestKey } = fromRequestId(requestId);
  const range = keys.requestAndRecipients(requestKey);
  const items = await queryAll({
    KeyConditionExpression: options.conversation === false ? 'pk = :pk AND sk BETWEEN :req AND :to' : 'pk = :pk AND begins_with(sk, :req)',
    ExpressionAttributeValues: {
      ':pk': keys.ticketPartition(ticketId),
      ':req': range.from,
      ...(options.conversation === false ? { ':to': range.to } : {}),
    },
    ConsistentRead: true,
  });
  return assemble(items);
}

/** The request's conversation alone (its snapshot item), or null when it has none of its own. */
export async function loadConversation(requestId: string): Promise<TicketSnapshot['conversation'] | null> {
  const { ticketId, requestKey } = fromRequestId(requestId);
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName(), Key: keys.requestSnapshot(ticketId, requestKey), ConsistentRead: true }),
  );
  return (Item?.conversation as TicketSnapshot['conversation'] | undefined) ?? null;
}

/** The request's conversation, on an item of its own so that lists and the tab never read it. */
function snapshotWrite(request: ApprovalRequest, snapshot: TicketSnapshot): TxWrite {
  return txPut({
    Item: {
      ...keys.requestSnapshot(request.ticketId, fromRequestId(request.id).requestKey),
      entity: 'snapshot',
      conversation: snapshot.conversation,
    },
  });
}

type Sequence = ReturnType<typeof sequenceAppend>;

function ticketWrite(change: Change, snapshot: TicketSnapshot | undefined, sequence: Sequence | null): TxWrite | null {
  const { before, after } = change;
  if (before && before.status === after.status && before.currentStage === after.currentStage && !sequence && !snapshot) return null;
  const { requestKey } = fromRequestId(after.id);
  const status = approvalStatusOf(after);
  const set: string[] = ['approvalStatus = :status', 'updatedAt = :now', 'entity = :entity', 'ticketId = :ticketId'];
  const remove: string[] = [];
  const values: Item = { ':status': status, ':now': after.updatedAt, ':entity': 'ticket', ':ticketId': after.ticketId, ':key': requestKey };
  if (status) {
    const index = indexKeys.ticketStatus(status, after.updatedAt, after.ticketId);
    for (const [name, value] of Object.entries(index)) {
      set.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
  } else {
    remove.push(INDEX.listings.partitionKey, INDEX.listings.sortKey);
  }
  const progress = stageProgress(after);
  if (progress) {
    set.push('stageProgress = :progress');
    values[':progress'] = progress;
  } else remove.push('stageProgress');
  if (isOpen(after.status)) set.push('openRequestKey = :key');
  else remove.push('openRequestKey');
  let condition = 'openRequestKey = :key';
  if (sequence) {
    set.push(sequence.set);
    Object.assign(values, sequence.values);
  }
  if (!before) {
    set.push('currentRequestKey = :key');
    condition = 'attribute_not_exists(openRequestKey)';
  }
  if (sequence) condition = `${condition} AND ${sequence.condition}`;
  if (snapshot) {
    // The column's item: the headline only (an older item's conversation goes).
    set.push('#number = :number', 'subject = :subject', 'requester = :requester');
    remove.push('conversation');
    Object.assign(values, { ':number': snapshot.number, ':subject': snapshot.subject, ':requester': snapshot.requester });
  }
  return txUpdate(
    {
      Key: keys.ticket(after.ticketId),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ...(set.some((s) => s.startsWith('#number')) ? { ExpressionAttributeNames: { '#number': 'number' } } : {}),
      ...(sequence ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
    },
    (item) =>
      // The ticket's events wait for the dispatcher (its list is full): 503, nothing written.
      (sequence ? backlogRefusal(item, sequence.eventCount) : null) ??
      // A later change: the request was closed or replaced meanwhile (retried from a fresh read).
      (before ? new StaleStateError() : new ConflictError('open_request_exists', OPEN_REQUEST_EXISTS)),
  );
}

function requestWrite(change: Change): TxWrite {
  const { before, after } = change;
  const { requestKey } = fromRequestId(after.id);
  const toGo = approvalsToGo(after);
  return txPut(
    {
      Item: {
        ...keys.request(after.ticketId, requestKey),
        entity: 'request',
        ...requestAttributes(after),
        // The guards of quick answers (domain/quick-answer.ts): this whole write moves baseVersion.
        baseVersion: after.version,
        ...(toGo === null ? {} : { approvalsToGo: toGo }),
        // One due entry per request, at its next reminder or its deadline, whichever is first.
        ...(nextDueAt(after) ? indexKeys.due(nextDueAt(after)!, after.id) : {}),
      },
      ConditionExpression: before ? 'version = :version' : 'attribute_not_exists(pk)',
      ...(before ? { ExpressionAttributeValues: { ':version': before.version } } : {}),
    },
    () => new StaleStateError(),
  );
}

/** Whether the request waits on this recipient: the portal lists those first (keys.ts, gsi1). */
const waitsOn = (request: ApprovalRequest, r: Recipient) => isOpen(request.status) && r.status === 'pending' && inCurrentStage(request, r);

function recipientWrites(change: Change): TxWrite[] {
  const { before, after } = change;
  const shape = (request: ApprovalRequest, r: Recipient) =>
    JSON.stringify([recipientDomainFields(r), waitsOn(request, r), hasStarted(request, r)]);
  const previous = new Map((before?.recipients ?? []).map((r) => [r.approverId, shape(before!, r)]));
  return after.recipients.filter((r) => previous.get(r.approverId) !== shape(after, r)).map((r) => recipientWrite(after, r));
}

/** SETs only the domain's fields of a recipient: the mailer writes sentAt and mailError on the same item. */
function recipientWrite(request: ApprovalRequest, r: Recipient, guard?: { condition: string; values: Item }): TxWrite {
  const { requestKey } = fromRequestId(request.id);
  const fields: Item = {
    ...recipientDomainFields(r),
    entity: 'recipient',
    ticketId: request.ticketId,
    requestKey,
    // A later stage's recipient is not on the approver's list (gsi1) until the stage starts.
    ...(hasStarted(request, r) ? indexKeys.approverRequests(r.approverId, requestKey, waitsOn(request, r)) : {}),
  };
  const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#f${i}`, k]));
  const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:f${i}`, v]));
  return txUpdate(
    {
      Key: keys.recipient(request.ticketId, requestKey, r.approverId),
      UpdateExpression: `SET ${Object.keys(names)
        .map((n, i) => `${n} = :f${i}`)
        .join(', ')}`,
      ExpressionAttributeNames: { ...names, ...(guard ? { '#status': 'status' } : {}) },
      ExpressionAttributeValues: { ...values, ...guard?.values },
      ...(guard ? { ConditionExpression: guard.condition } : {}),
    },
    guard ? () => new StaleStateError() : undefined,
  );
}

/** A quick answer's write was refused by the request's guards; `now` is the request item as it is (its guard fields). */
export class QuickAnswerRefused extends StaleStateError {
  constructor(readonly now: { status: string; version: number; baseVersion: number | null; approvalsToGo: number | null } | null) {
    super();
  }
}

/**
 * The guard fields of the request item a failed condition returned (ALL_OLD, in DynamoDB's own
 * attribute values: lib-dynamodb leaves errors as they are). Four scalars, read by hand rather
 * than with a marshalling library this package does not otherwise need.
 */
function guardFieldsOf(item: Record<string, unknown> | undefined): QuickAnswerRefused['now'] {
  const attribute = (name: string, type: 'S' | 'N') => (item?.[name] as Record<string, string> | undefined)?.[type];
  const number = (name: string) => (attribute(name, 'N') === undefined ? null : Number(attribute(name, 'N')));
  const status = attribute('status', 'S');
  const version = number('version');
  return status === undefined || version === null
    ? null
    : { status, version, baseVersion: number('baseVersion'), approvalsToGo: number('approvalsToGo') };
}

/**
 * Writes a quick answer (domain/quick-answer.ts): the request item by deltas under its guards,
 * the answering recipient under its own, the ticket's status column and its events to number
 * without a condition that other answers could fail, the activity and the events. A refusal by
 * the request's guards reports the request item as it is now (QuickAnswerRefused); `extra`
 * writes go first, so that their failure is the error when both fail (answers.ts).
 */
export async function saveQuickAnswer(change: Change, quick: QuickAnswer, extra: TxWrite[] = []): Promise<void> {
  const { before, after } = change;
  const baseVersion = before ? baseVersions.get(before) : undefined;
  const recipient = after.recipients.find((r) => r.approverId === quick.approverId);
  if (!before || baseVersion === undefined || !recipient) throw new QuickAnswerRefused(null);
  const { requestKey } = fromRequestId(after.id);
  const request = txUpdate(
    {
      Key: keys.request(after.ticketId, requestKey),
      UpdateExpression: 'SET #status = :status, updatedAt = :now ADD version :one, approvalsToGo :minusOne',
      ConditionExpression: 'baseVersion = :base AND #status = :from AND approvalsToGo > :one',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':base': baseVersion,
        ':from': quick.from,
        ':status': 'partially_approved',
        ':now': after.updatedAt,
        ':one': 1,
        ':minusOne': -1,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
    (item) => new QuickAnswerRefused(guardFieldsOf(item)),
  );
  const events = eventWrites(eventsOfChange(change), after.ticketId);
  const ticket = ticketWrite(change, undefined, events.keys.length > 0 ? sequenceAppend(events.keys) : null);
  // `extra` first: a failed check of the caller's login wins over the request's conditions (answers.ts).
  await transact([
    ...extra,
    request,
    recipientWrite(after, recipient, { condition: '#status = :was', values: { ':was': 'pending' } }),
    ...(ticket ? [ticket] : []),
    ...activityWrites(after.ticketId, change.events),
    ...events.writes,
  ]);
}

/**
 * Writes one command's change atomically: the request (guarded by its version), the recipients
 * it touched, the ticket's status column and its events to number, the activity entries, the mail
 * outbox entry, one outbox item per webhook event and, when the request closes, its receipt
 * (unsigned: the receipt job signs it).
 */
export async function saveChange(
  change: Change,
  options: {
    snapshot?: TicketSnapshot;
    extra?: TxWrite[];
  } = {},
): Promise<void> {
  if (change.before === change.after && !options.extra?.length) return;
  // The extra writes first: when theirs and the change's conditions fail together, theirs is the
  // error (an answer's check of the caller's login, answers.ts).
  const writes: TxWrite[] = [...(options.extra ?? [])];
  if (change.before !== change.after) {
    const events = eventWrites(eventsOfChange(change), change.after.ticketId);
    writes.push(requestWrite(change), ...recipientWrites(change));
    const newContent = !change.before || change.before.content.version !== change.after.content.version;
    // A new content version's own item (content-versions.ts) comes with the change as an extra write.
    if (newContent) writes.push(snapshotWrite(change.after, change.after.ticket));
    else if (inlineConversation.has(change.before!)) writes.push(snapshotWrite(change.after, change.before!.ticket));
    const ticket = ticketWrite(change, options.snapshot, events.keys.length > 0 ? sequenceAppend(events.keys) : null);
    if (ticket) writes.push(ticket);
    writes.push(...activityWrites(change.after.ticketId, change.events));
    if (change.mails.length > 0) writes.push(outboxWrite(change.after, change.mails));
    writes.push(...events.writes);
    // A request that closes gets its receipt, unsigned, in the same transaction: never lost.
    if (change.before && isOpen(change.before.status) && !isOpen(change.after.status)) writes.push(pendingReceiptWrite(change.after));
  }
  await transact(writes);
}

/** Refreshes the ticket snapshot, and the open request's copy that mails and the portal show. */
export async function saveTicketSnapshot(
  ticketId: string,
  snapshot: TicketSnapshot,
  open: ApprovalRequest | null,
  event: ActivityEvent,
): Promise<void> {
  const writes: TxWrite[] = [
    txUpdate({
      Key: keys.ticket(ticketId),
      UpdateExpression:
        'SET #number = :number, subject = :subject, requester = :requester, entity = :entity, ticketId = :ticketId REMOVE conversation',
      ExpressionAttributeNames: { '#number': 'number' },
      ExpressionAttributeValues: {
        ':number': snapshot.number,
        ':subject': snapshot.subject,
        ':requester': snapshot.requester,
        ':entity': 'ticket',
        ':ticketId': ticketId,
      },
    }),
    ...activityWrites(ticketId, [event]),
  ];
  if (open) {
    writes.push(
      txUpdate(
        {
          Key: keys.request(ticketId, fromRequestId(open.id).requestKey),
          // A whole write's move of baseVersion too (on an item that has one): an answer read
          // before it is decided again on a fresh read, so its reply shows the ticket as it is now
          // (domain/quick-answer.ts).
          UpdateExpression: `SET ticket = :ticket, version = :next${baseVersions.has(open) ? ', baseVersion = :next' : ''}`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':ticket': ticketHeadline(snapshot), ':next': open.version + 1, ':version': open.version },
        },
        () => new StaleStateError(),
      ),
    );
    writes.push(snapshotWrite(open, snapshot));
  }
  await transact(writes);
}

/** Access pattern 2: the status column for a page of tickets. */
export async function getTickets(ticketIds: string[]): Promise<TicketRecord[]> {
  const items = await batchGet(
    [...new Set(ticketIds)].map((id) => keys.ticket(id)),
    {
      projection: 'ticketId, #number, subject, approvalStatus, currentRequestKey, openRequestKey, updatedAt, stageProgress',
      names: { '#number': 'number' },
    },
  );
  const found = new Map(items.map((item) => [item.ticketId as string, item]));
  return ticketIds.map((id) => toTicketRecord(id, found.get(id)));
}

/**
 * Access pattern 3: tickets whose approval has this status, most recently changed first, a page
 * at a time: every shard is queried for the page (from below the cursor's sort key) and the
 * answers merged, so a page reads at most shards × limit small ticket items.
 */
export async function listTicketsByStatus(
  status: RequestStatus,
  limit: number,
  cursor?: string,
): Promise<{ tickets: TicketRecord[]; next: string | null }> {
  let before: string | undefined;
  if (cursor !== undefined) {
    const value = decodeCursor(cursor);
    if (value.status !== status || typeof value.before !== 'string' || !/^\d{4}-[^#]+#.+$/.test(value.before)) throw invalidCursor();
    before = value.before;
  }
  const pages = await Promise.all(
    indexKeys.ticketStatusPks(status).map((pk) =>
      documents.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: INDEX.listings.name,
          KeyConditionExpression: before ? 'gsi2pk = :pk AND gsi2sk < :before' : 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    ),
  );
  const fetched = pages.flatMap((page) => (page.Items ?? []) as Item[]);
  const merged = fetched.sort((a, b) => (String(a.gsi2sk) < String(b.gsi2sk) ? 1 : -1)).slice(0, limit);
  const more = fetched.length > limit || pages.some((page) => page.LastEvaluatedKey);
  const last = merged.at(-1);
  return {
    tickets: merged.map((item) => toTicketRecord(item.ticketId as string, item)),
    next: more && last ? encodeCursor({ status, before: last.gsi2sk }) : null,
  };
}

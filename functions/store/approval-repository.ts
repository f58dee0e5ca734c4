import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEvent } from '../domain/activity.js';
import type { Change } from '../domain/approval-request.js';
import { approvalStatusOf } from '../domain/approval-request.js';
import { nextDueAt } from '../domain/deadline.js';
import { ConflictError } from '../domain/errors.js';
import { isOpen } from '../domain/policy.js';
import type { ApprovalRequest, RequestStatus, TicketSnapshot } from '../domain/types.js';
import { activityWrites } from './activity-repository.js';
import { recipientDomainFields, requestAttributes, type TicketRecord, toRequest, toTicketRecord } from './approval-records.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { fromRequestId, indexKeys, keys } from './keys.js';
import { outboxWrite } from './outbox-repository.js';
import { queryAll } from './query.js';
import { StaleStateError, type TxWrite, transact } from './transaction.js';

type Item = Record<string, unknown>;
export interface Tab {
  ticket: TicketRecord;
  request: ApprovalRequest | null;
}

/** Access pattern 1: the ticket and its newest request with all recipients, one Query. */
export async function loadTab(ticketId: string): Promise<Tab> {
  const isNewestMeta = (item: Item) => item.entity === 'request';
  const items = await queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND sk >= :req',
      ExpressionAttributeValues: { ':pk': keys.ticketPartition(ticketId), ':req': keys.requestPrefix },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
    (seen) => seen.some(isNewestMeta),
  );
  const ticketItem = items.find((i) => i.entity === 'ticket');
  const metaIndex = items.findIndex(isNewestMeta);
  const meta = items[metaIndex];
  const request = meta
    ? toRequest(
        meta,
        items.slice(0, metaIndex).filter((i) => i.entity === 'recipient' && i.requestKey === meta.requestKey),
      )
    : null;
  return { ticket: toTicketRecord(ticketId, ticketItem), request };
}

/** Access pattern 5: one request and its recipients by the public request id. */
export async function loadRequest(requestId: string): Promise<ApprovalRequest | null> {
  const { ticketId, requestKey } = fromRequestId(requestId);
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :req)',
    ExpressionAttributeValues: { ':pk': keys.ticketPartition(ticketId), ':req': keys.request(ticketId, requestKey).sk },
    ConsistentRead: true,
  });
  const meta = items.find((i) => i.entity === 'request');
  return meta
    ? toRequest(
        meta,
        items.filter((i) => i.entity === 'recipient'),
      )
    : null;
}

function ticketWrite(change: Change, snapshot: TicketSnapshot | undefined): TxWrite | null {
  const { before, after } = change;
  if (before && before.status === after.status) return null;
  const { requestKey } = fromRequestId(after.id);
  const status = approvalStatusOf(after);
  const set: string[] = ['approvalStatus = :status', 'updatedAt = :now', 'entity = :entity', 'ticketId = :ticketId'];
  const remove: string[] = [];
  const values: Item = { ':status': status, ':now': after.updatedAt, ':entity': 'ticket', ':ticketId': after.ticketId, ':key': requestKey };
  if (status) {
    set.push('gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
    const index = indexKeys.ticketStatus(status, after.updatedAt, after.ticketId);
    values[':gsi2pk'] = index.gsi2pk;
    values[':gsi2sk'] = index.gsi2sk;
  } else {
    remove.push('gsi2pk', 'gsi2sk');
  }
  if (isOpen(after.status)) set.push('openRequestKey = :key');
  else remove.push('openRequestKey');
  let condition = 'openRequestKey = :key';
  if (!before) {
    set.push('currentRequestKey = :key');
    condition = 'attribute_not_exists(openRequestKey)';
    if (snapshot) {
      set.push('#number = :number', 'subject = :subject', 'requester = :requester', 'conversation = :conversation');
      Object.assign(values, {
        ':number': snapshot.number,
        ':subject': snapshot.subject,
        ':requester': snapshot.requester,
        ':conversation': snapshot.conversation,
      });
    }
  }
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.ticket(after.ticketId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(set.some((s) => s.startsWith('#number')) ? { ExpressionAttributeNames: { '#number': 'number' } } : {}),
      },
    },
    onConditionFailed: before
      ? () => new StaleStateError()
      : () => new ConflictError('open_request_exists', 'This ticket already has an open approval request.'),
  };
}

function requestWrite(change: Change): TxWrite {
  const { before, after } = change;
  const { requestKey } = fromRequestId(after.id);
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.request(after.ticketId, requestKey),
          entity: 'request',
          ...requestAttributes(after),
          // One due entry per request, at its next reminder or its deadline, whichever is first.
          ...(nextDueAt(after) ? indexKeys.reminderDue(nextDueAt(after)!, after.id) : {}),
        },
        ConditionExpression: before ? 'version = :version' : 'attribute_not_exists(pk)',
        ...(before ? { ExpressionAttributeValues: { ':version': before.version } } : {}),
      },
    },
    onConditionFailed: () => new StaleStateError(),
  };
}

function recipientWrites(change: Change): TxWrite[] {
  const { before, after } = change;
  const { requestKey } = fromRequestId(after.id);
  const previous = new Map((before?.recipients ?? []).map((r) => [r.approverId, JSON.stringify(recipientDomainFields(r))]));
  return after.recipients
    .filter((r) => previous.get(r.approverId) !== JSON.stringify(recipientDomainFields(r)))
    .map((r) => {
      // SET only the domain's fields: the mailer writes sentAt and mailError on the same item.
      const fields: Item = {
        ...recipientDomainFields(r),
        entity: 'recipient',
        ticketId: after.ticketId,
        requestKey,
        ...indexKeys.approverRequests(r.approverId, requestKey),
      };
      const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#f${i}`, k]));
      const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:f${i}`, v]));
      return {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.recipient(after.ticketId, requestKey, r.approverId),
            UpdateExpression: `SET ${Object.keys(names)
              .map((n, i) => `${n} = :f${i}`)
              .join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      };
    });
}

/**
 * Writes one command's change atomically: the request (guarded by its version), the recipients
 * it touched, the ticket's status column, the activity entries and the mail outbox entry.
 */
export async function saveChange(change: Change, options: { snapshot?: TicketSnapshot; extra?: TxWrite[] } = {}): Promise<void> {
  if (change.before === change.after && !options.extra?.length) return;
  const writes: TxWrite[] = [];
  if (change.before !== change.after) {
    writes.push(requestWrite(change), ...recipientWrites(change));
    const ticket = ticketWrite(change, options.snapshot);
    if (ticket) writes.push(ticket);
    writes.push(...activityWrites(change.after.ticketId, change.events));
    if (change.mails.length > 0) writes.push(outboxWrite(change.after, change.mails));
  }
  writes.push(...(options.extra ?? []));
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
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.ticket(ticketId),
          UpdateExpression:
            'SET #number = :number, subject = :subject, requester = :requester, conversation = :conversation, entity = :entity, ticketId = :ticketId',
          ExpressionAttributeNames: { '#number': 'number' },
          ExpressionAttributeValues: {
            ':number': snapshot.number,
            ':subject': snapshot.subject,
            ':requester': snapshot.requester,
            ':conversation': snapshot.conversation,
            ':entity': 'ticket',
            ':ticketId': ticketId,
          },
        },
      },
    },
    ...activityWrites(ticketId, [event]),
  ];
  if (open) {
    writes.push({
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.request(ticketId, fromRequestId(open.id).requestKey),
          UpdateExpression: 'SET ticket = :ticket, version = version + :one',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':ticket': snapshot, ':one': 1, ':version': open.version },
        },
      },
      onConditionFailed: () => new StaleStateError(),
    });
  }
  await transact(writes);
}

/** Access pattern 2: the status column for a page of tickets. */
export async function getTickets(ticketIds: string[]): Promise<TicketRecord[]> {
  const items = await batchGet(
    [...new Set(ticketIds)].map((id) => keys.ticket(id)),
    {
      projection: 'ticketId, #number, subject, approvalStatus, currentRequestKey, openRequestKey, updatedAt',
      names: { '#number': 'number' },
    },
  );
  const found = new Map(items.map((item) => [item.ticketId as string, item]));
  return ticketIds.map((id) => toTicketRecord(id, found.get(id)));
}

/** Access pattern 3: tickets whose approval has this status, most recently changed first. */
export async function listTicketsByStatus(status: RequestStatus, limit: number): Promise<TicketRecord[]> {
  const page = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.ticketStatusPk(status) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => toTicketRecord(item.ticketId as string, item));
}

/** Access pattern 7b: open requests whose automatic reminder or deadline is due by `now`. */
export async function listDueReminders(now: Date, limit = 50): Promise<string[]> {
  const page = await documents.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :now',
      ExpressionAttributeValues: { ':pk': indexKeys.reminderDuePk, ':now': `${now.toISOString()}~` },
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => item.requestId as string);
}

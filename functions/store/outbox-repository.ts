import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEvent } from '../domain/activity.js';
import { fromRequestId } from '../domain/request-id.js';
import type { ApprovalRequest, MailJob } from '../domain/types.js';
import { activityWrites } from './activity-repository.js';
import { documents, tableName } from './client.js';
import { conditionally } from './conditions.js';
import { listDue } from './due-work.js';
import { ulid } from './ids.js';
import { indexKeys, keys } from './keys.js';
import { queryAll } from './query.js';
import { INDEX } from './table-definition.js';
import { type TxWrite, transact, txPut, txUpdate } from './transaction.js';

/**
 * One mail of an outbox entry with its state. The entry (written in the change's transaction)
 * lists the mails and never changes per mail; each mail's claim, outcome and SES id live in an
 * item of their own (keys.outboxMail), so a mail costs the same few small writes whether its
 * request has 1 recipient or 100.
 */
export interface OutboxMail extends MailJob {
  index: number;
  /** Set once it went out or was no longer needed. */
  doneAt: string | null;
  outcome: 'sent' | 'skipped' | null;
  /** When the sent mail was written to its recipient and the activity log. */
  recordedAt: string | null;
  /** SES's id of the sent mail: SES's later reports about it (bounces) name it. */
  messageId?: string;
}

export interface OutboxEntry {
  id: string;
  requestId: string;
  ticketId: string;
  mails: MailJob[];
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** Done entries stay readable for a month (an audit trail of what was mailed), then expire. */
const DONE_RETENTION_SECONDS = 30 * 24 * 3600;
const expiresAt = (at: Date | string) => Math.floor(new Date(at).getTime() / 1000) + DONE_RETENTION_SECONDS;

/** The outbox entry written in the same transaction as the change that asks for the mail: one item, ~60 bytes a mail. */
export function outboxWrite(request: ApprovalRequest, mails: MailJob[]): TxWrite {
  const id = ulid();
  return txPut({
    Item: {
      ...keys.outbox(id),
      ...indexKeys.due(request.updatedAt, id),
      entity: 'outbox',
      id,
      requestId: request.id,
      ticketId: request.ticketId,
      mails: mails.map((m) => ({ kind: m.kind, approverId: m.approverId })),
      attempts: 0,
      lastError: null,
      createdAt: request.updatedAt,
    },
  });
}

function toEntry(item: Record<string, unknown>): OutboxEntry {
  return {
    id: item.id as string,
    requestId: item.requestId as string,
    ticketId: item.ticketId as string,
    mails: item.mails as MailJob[],
    attempts: Number(item.attempts ?? 0),
    lastError: (item.lastError as string | null) ?? null,
    createdAt: item.createdAt as string,
  };
}

/**
 * Takes the entry for `leaseSeconds` so that the stream and the sweeper do not work on the same
 * entry at once. Returns null when the entry is done or someone else holds it. (Each mail is
 * claimed on its own as well: claimMail.)
 */
export async function claimOutbox(id: string, now: Date, leaseSeconds = 120): Promise<OutboxEntry | null> {
  const result = await conditionally(
    () =>
      documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.outbox(id),
          UpdateExpression: 'SET leaseUntil = :until',
          // Still due (completeOutbox takes it off the due index), and nobody holds it.
          ConditionExpression: `attribute_exists(${INDEX.due.partitionKey}) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)`,
          ExpressionAttributeValues: { ':until': new Date(now.getTime() + leaseSeconds * 1000).toISOString(), ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    () => null,
  );
  return result?.Attributes ? toEntry(result.Attributes) : null;
}

export async function getOutbox(id: string): Promise<OutboxEntry | null> {
  const result = await documents.send(new GetCommand({ TableName: tableName(), Key: keys.outbox(id), ConsistentRead: true }));
  return result.Item ? toEntry(result.Item) : null;
}

/** The entry's mails with their state so far: one Query of the entry's mail items. */
export async function loadOutboxMails(entry: OutboxEntry): Promise<OutboxMail[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :mail)',
    ExpressionAttributeValues: { ':pk': keys.outboxPartition(entry.id), ':mail': keys.outboxMailPrefix },
    ConsistentRead: true,
  });
  const state = new Map(items.map((item) => [Number(item.index), item]));
  return entry.mails.map((mail, index) => {
    // An entry written before mails had items of their own kept their state in its list.
    const item = state.get(index) ?? (mail as Partial<OutboxMail>);
    return {
      kind: mail.kind,
      approverId: mail.approverId,
      index,
      doneAt: (item.doneAt as string | null | undefined) ?? null,
      outcome: (item.outcome as OutboxMail['outcome'] | undefined) ?? null,
      recordedAt: (item.recordedAt as string | null | undefined) ?? null,
      ...(item.messageId ? { messageId: item.messageId as string } : {}),
    };
  });
}

/**
 * Claims one mail right before it is sent: a conditional write on the mail's own item, which
 * fails when the mail is done or another sender holds a claim that has not run out. Returns the
 * claim's end (null when not claimed); passing it back as `renewing` extends one's own claim
 * (before a retry), and fails when the claim ran out and someone else took the mail meanwhile.
 * A claim is released by a failed send (recordMailFailure) and ends with the mail (marked done by
 * markSentAndRecord, or markMailDone);
 * a sender that crashed between the send and markMailDone leaves its claim until it runs out, and
 * only then is the mail sent again (at least once, never twice within the claim).
 */
export async function claimMail(
  entry: OutboxEntry,
  index: number,
  now: Date,
  leaseSeconds: number,
  renewing?: string,
): Promise<string | null> {
  const until = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  return conditionally(
    async () => {
      await documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.outboxMail(entry.id, index),
          UpdateExpression: 'SET entity = :entity, #index = :index, claimUntil = :until',
          ConditionExpression: `attribute_not_exists(doneAt) AND (attribute_not_exists(claimUntil) OR claimUntil < :now${renewing ? ' OR claimUntil = :mine' : ''})`,
          ExpressionAttributeNames: { '#index': 'index' },
          ExpressionAttributeValues: {
            ':entity': 'outboxMail',
            ':index': index,
            ':until': until,
            ':now': now.toISOString(),
            ...(renewing ? { ':mine': renewing } : {}),
          },
        }),
      );
      return until;
    },
    () => null,
  );
}

/**
 * Marks one mail done the moment it left (or was found obsolete), so that no later attempt sends
 * it again: one small write on the mail's own item, whatever the size of the request.
 */
export async function markMailDone(
  entry: OutboxEntry,
  index: number,
  outcome: 'sent' | 'skipped',
  at: string,
  messageId?: string,
): Promise<void> {
  await documents.send(new UpdateCommand({ TableName: tableName(), ...mailDone(entry, index, outcome, at, messageId) }));
}

/** The update that marks a mail done (`recorded`: and recorded on its recipient and in the log, in the same write). */
function mailDone(entry: OutboxEntry, index: number, outcome: 'sent' | 'skipped', at: string, messageId?: string, recorded = false) {
  return {
    Key: keys.outboxMail(entry.id, index),
    UpdateExpression: `SET entity = :entity, #index = :index, doneAt = :at, outcome = :outcome, expiresAt = :exp${recorded ? ', recordedAt = :at' : ''}${messageId ? ', messageId = :messageId' : ''} REMOVE claimUntil`,
    ExpressionAttributeNames: { '#index': 'index' },
    ExpressionAttributeValues: {
      ':entity': 'outboxMail',
      ':index': index,
      ':at': at,
      ':outcome': outcome,
      ':exp': expiresAt(at),
      ...(messageId ? { ':messageId': messageId } : {}),
    },
  };
}

function recipientKey(entry: OutboxEntry, approverId: string) {
  return keys.recipient(entry.ticketId, fromRequestId(entry.requestId).requestKey, approverId);
}

export interface SentMail {
  mail: OutboxMail;
  at: string;
  event: ActivityEvent;
}

/** Recipient, activity entry and mail mark per mail: 3 actions a mail, under 100 a transaction. */
export const SENT_PER_TRANSACTION = 33;

/**
 * Marks mails that just left done and records them, in one transaction (per 33): on the mail's
 * own item what markMailDone writes plus `recordedAt`, on the recipient and in the activity log
 * what recordSentMails writes. The sender holds the mails' claims, so no one else writes them
 * meanwhile; if it fails, the caller marks them done one by one and leaves them to recordSentMails.
 */
export async function markSentAndRecord(entry: OutboxEntry, sent: SentMail[]): Promise<void> {
  if (sent.length > SENT_PER_TRANSACTION) throw new Error(`at most ${SENT_PER_TRANSACTION} mails a transaction`);
  await transact(recordWrites(entry, sent, true));
}

/**
 * Records sent mails on their recipients (`sentAt` for the request mail, the id SES gave the
 * mail, earlier send errors cleared) and in the activity log, and marks them recorded on their
 * mail items, in as few transactions as fit, run in parallel (they touch different items).
 * Done once after the sends, out of their way; a retry records what a crash left unrecorded.
 */
export async function recordSentMails(entry: OutboxEntry, sent: SentMail[]): Promise<void> {
  const chunks: SentMail[][] = [];
  for (let start = 0; start < sent.length; start += SENT_PER_TRANSACTION) chunks.push(sent.slice(start, start + SENT_PER_TRANSACTION));
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        await transact(recordWrites(entry, chunk));
      } catch (error) {
        if (!(error instanceof AlreadyRecorded)) throw error;
        // Another sender recorded some of them meanwhile: record the rest one by one.
        for (const one of chunk) {
          await transact(recordWrites(entry, [one])).catch((e: unknown) => {
            if (!(e instanceof AlreadyRecorded)) throw e;
          });
        }
      }
    }),
  );
}

class AlreadyRecorded extends Error {}

/** `markDone`: the mails are marked done in the same write that marks them recorded (markSentAndRecord). */
function recordWrites(entry: OutboxEntry, chunk: SentMail[], markDone = false): TxWrite[] {
  const writes: TxWrite[] = chunk.flatMap(({ mail, at }) => [
    txUpdate({
      Key: recipientKey(entry, mail.approverId),
      // The latest mail's id decides which of SES's reports the recipient shows (delivery-repository.ts).
      UpdateExpression: `SET ${mail.kind === 'request' ? 'sentAt = :at, ' : ''}lastMessageId = :messageId, mailError = :null`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ...(mail.kind === 'request' ? { ':at': at } : {}),
        ':null': null,
        ':messageId': mail.messageId ?? null,
      },
    }),
    txUpdate(
      {
        ...(markDone
          ? mailDone(entry, mail.index, 'sent', at, mail.messageId, true)
          : {
              Key: keys.outboxMail(entry.id, mail.index),
              UpdateExpression: 'SET recordedAt = :at',
              ExpressionAttributeValues: { ':at': at },
            }),
        // Recorded once, even when two senders found it unrecorded.
        ConditionExpression: 'attribute_not_exists(recordedAt)',
      },
      () => new AlreadyRecorded(),
    ),
  ]);
  writes.push(
    ...activityWrites(
      entry.ticketId,
      chunk.map((s) => s.event),
    ),
  );
  return writes;
}

/** Every mail of the entry is done: it leaves the due index and expires later. */
export async function completeOutbox(entry: OutboxEntry, at: Date): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.outbox(entry.id),
      UpdateExpression: `SET doneAt = :at, expiresAt = :exp REMOVE ${INDEX.due.partitionKey}, ${INDEX.due.sortKey}, leaseUntil`,
      ExpressionAttributeValues: { ':at': at.toISOString(), ':exp': expiresAt(at) },
    }),
  );
}

/** Gives the entry up without an error (a mail is held by another sender): due again at `dueAt`. */
export async function releaseOutbox(entry: OutboxEntry, dueAt: Date): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.outbox(entry.id),
      UpdateExpression: `SET ${INDEX.due.sortKey} = :due REMOVE leaseUntil`,
      ExpressionAttributeValues: { ':due': indexKeys.due(dueAt.toISOString(), entry.id).gsi3sk },
    }),
  );
}

/** A send failed: note it on the entry and the recipient, release the mail's claim, and make the entry due again later. */
export async function recordMailFailure(
  entry: OutboxEntry,
  mail: OutboxMail,
  error: string,
  at: Date,
  nextDueAt: Date,
  events: ActivityEvent[],
): Promise<void> {
  const attempts = entry.attempts + 1;
  await transact([
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.outbox(entry.id),
          UpdateExpression: `SET attempts = :attempts, lastError = :error, ${INDEX.due.sortKey} = :due REMOVE leaseUntil`,
          ExpressionAttributeValues: {
            ':attempts': attempts,
            ':error': error,
            ':due': indexKeys.due(nextDueAt.toISOString(), entry.id).gsi3sk,
          },
        },
      },
    },
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: recipientKey(entry, mail.approverId),
          UpdateExpression: 'SET mailError = :mailError',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':mailError': { message: error, at: at.toISOString(), attempts } },
        },
      },
    },
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.outboxMail(entry.id, mail.index),
          UpdateExpression: 'REMOVE claimUntil',
        },
      },
    },
    ...activityWrites(entry.ticketId, events),
  ]);
}

/** Outbox entries due by `now`, oldest first (of the due work, the mail). */
export async function listDueOutbox(now: Date, limit = 50): Promise<string[]> {
  return (await listDue(now, limit))
    .filter((work) => work.entity === 'outbox')
    .slice(0, limit)
    .map((work) => work.id);
}

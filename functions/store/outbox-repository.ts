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
import { queryDue } from './query.js';
import { INDEX } from './table-definition.js';
import { type TxWrite, transact } from './transaction.js';

/** One mail of an outbox entry. `doneAt` is set once it went out or was no longer needed. */
export interface OutboxMail extends MailJob {
  doneAt: string | null;
  outcome: 'sent' | 'skipped' | null;
  /** When the sent mail was written to its recipient and the activity log. */
  recordedAt?: string | null;
  /** SES's id of the sent mail: SES's later reports about it (bounces) name it. */
  messageId?: string;
}

export interface OutboxEntry {
  id: string;
  requestId: string;
  ticketId: string;
  mails: OutboxMail[];
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** Done entries stay readable for a month (an audit trail of what was mailed), then expire. */
const DONE_RETENTION_SECONDS = 30 * 24 * 3600;

/** The outbox entry written in the same transaction as the change that asks for the mail. */
export function outboxWrite(request: ApprovalRequest, mails: MailJob[]): TxWrite {
  const id = ulid();
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.outbox(id),
          ...indexKeys.due(request.updatedAt, id),
          entity: 'outbox',
          id,
          requestId: request.id,
          ticketId: request.ticketId,
          mails: mails.map((m) => ({ ...m, doneAt: null, outcome: null, recordedAt: null })),
          attempts: 0,
          lastError: null,
          createdAt: request.updatedAt,
        },
      },
    },
  };
}

function toEntry(item: Record<string, unknown>): OutboxEntry {
  return {
    id: item.id as string,
    requestId: item.requestId as string,
    ticketId: item.ticketId as string,
    mails: item.mails as OutboxMail[],
    attempts: Number(item.attempts ?? 0),
    lastError: (item.lastError as string | null) ?? null,
    createdAt: item.createdAt as string,
  };
}

/**
 * Takes the entry for `leaseSeconds` so that the stream and the sweeper never send the same
 * entry at once. Returns null when the entry is done or someone else holds it.
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

function recipientKey(entry: OutboxEntry, approverId: string) {
  return keys.recipient(entry.ticketId, fromRequestId(entry.requestId).requestKey, approverId);
}

/**
 * Marks one mail done the moment it left (or was found obsolete), so that no later attempt sends
 * it again. A single-item update: the mailer's parallel sends each mark their own list element,
 * and concurrent transactions on the one outbox item would conflict on real DynamoDB.
 */
export async function markMailDone(
  entry: OutboxEntry,
  index: number,
  outcome: 'sent' | 'skipped',
  at: string,
  messageId?: string,
): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.outbox(entry.id),
      UpdateExpression: `SET mails[${index}].doneAt = :at, mails[${index}].outcome = :outcome${messageId ? `, mails[${index}].messageId = :messageId` : ''}`,
      ExpressionAttributeValues: { ':at': at, ':outcome': outcome, ...(messageId ? { ':messageId': messageId } : {}) },
    }),
  );
}

export interface SentMail {
  index: number;
  mail: OutboxMail;
  at: string;
  event: ActivityEvent;
}

/** Recipients, activity entries and outbox marks per transaction: 2 actions a mail + 1, under 100. */
const SENT_PER_TRANSACTION = 45;

/**
 * Records sent mails on their recipients (`sentAt` for the request mail, the id SES gave the
 * mail, earlier send errors cleared) and in the activity log, and marks them recorded on the
 * entry, in as few transactions as fit.
 * Done once after the sends, out of their way; a retry records what a crash left unrecorded.
 */
export async function recordSentMails(entry: OutboxEntry, sent: SentMail[]): Promise<void> {
  for (let start = 0; start < sent.length; start += SENT_PER_TRANSACTION) {
    const chunk = sent.slice(start, start + SENT_PER_TRANSACTION);
    const writes: TxWrite[] = chunk.map(({ mail, at }) => ({
      item: {
        Update: {
          TableName: tableName(),
          Key: recipientKey(entry, mail.approverId),
          // The latest mail's id decides which of SES's reports the recipient shows (delivery-repository.ts).
          UpdateExpression: `SET ${mail.kind === 'request' ? 'sentAt = :at, ' : ''}lastMessageId = :messageId, mailError = :null`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ...(mail.kind === 'request' ? { ':at': at } : {}),
            ':null': null,
            ':messageId': mail.messageId ?? null,
          },
        },
      },
    }));
    writes.push(
      ...activityWrites(
        entry.ticketId,
        chunk.map((s) => s.event),
      ),
    );
    writes.push({
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.outbox(entry.id),
          UpdateExpression: `SET ${chunk.map(({ index }) => `mails[${index}].recordedAt = :at`).join(', ')}`,
          ExpressionAttributeValues: { ':at': chunk[0]!.at },
        },
      },
    });
    await transact(writes);
  }
}

/** Every mail of the entry is done: it leaves the due index and expires later. */
export async function completeOutbox(entry: OutboxEntry, at: Date): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.outbox(entry.id),
      UpdateExpression: `SET doneAt = :at, expiresAt = :exp REMOVE ${INDEX.due.partitionKey}, ${INDEX.due.sortKey}, leaseUntil`,
      ExpressionAttributeValues: { ':at': at.toISOString(), ':exp': Math.floor(at.getTime() / 1000) + DONE_RETENTION_SECONDS },
    }),
  );
}

/** A send failed: note it on the entry and the recipient, and make the entry due again later. */
export async function recordMailFailure(
  entry: OutboxEntry,
  approverId: string,
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
          Key: recipientKey(entry, approverId),
          UpdateExpression: 'SET mailError = :mailError',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':mailError': { message: error, at: at.toISOString(), attempts } },
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

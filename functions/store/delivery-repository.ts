import type { ActivityEvent } from '../domain/activity.js';
import { GROWTH_LIMITS } from '../domain/limits.js';
import type { DeliveryProblem } from '../domain/types.js';
import { mailUndeliveredEvent } from '../domain/webhook-events.js';
import { activityWriteOnce } from './activity-repository.js';
import { deliveryProblemAttribute } from './approval-records.js';
import { tableName } from './client.js';
import { eventWrites, readTicketStanding, sequenceAppendWrite } from './event-outbox.js';
import { keys } from './keys.js';
import { retryOnStaleState, type TxWrite, transact } from './transaction.js';

export interface RecipientRef {
  ticketId: string;
  requestKey: string;
  approverId: string;
}

export interface DeliveryReport {
  recipient: RecipientRef;
  problem: DeliveryProblem;
  /** SES's id of the mail the report is about. */
  messageId: string;
  /** Names the report: the same report twice is recorded once. */
  reportId: string;
  event: ActivityEvent;
}

export type DeliveryOutcome = 'recorded' | 'duplicate' | 'no-such-recipient';

/**
 * Internal to this module: which condition of the transaction failed. Not SignoffErrors,
 * because they never reach a caller: they become outcomes.
 */
class NoSuchRecipientError extends Error {}
class DuplicateReportError extends Error {}
class ReportsFullError extends Error {}

/**
 * Records what SES reported about a mail, in one transaction: on the recipient, in an attribute
 * of that mail's own (the recipient shows the one about its latest mail, see
 * approval-records.ts), in the activity log, once per report, and as a `mail.undelivered`
 * event (with the request status read, held unchanged by the write's condition).
 */
export async function recordDeliveryProblem(report: DeliveryReport): Promise<DeliveryOutcome> {
  try {
    // Again when the ticket's request status changed between the read and the write.
    return await retryOnStaleState(() =>
      recordReport(report, true).catch(async (error) => {
        // The recipient holds its cap of reports (limits.ts): this one goes to the activity log only.
        if (error instanceof ReportsFullError) return recordReport(report, false);
        throw error;
      }),
    );
  } catch (error) {
    if (error instanceof NoSuchRecipientError) return 'no-such-recipient';
    if (error instanceof DuplicateReportError) return 'duplicate';
    throw error;
  }
}

async function recordReport(report: DeliveryReport, onRecipient: boolean): Promise<DeliveryOutcome> {
  const { recipient, problem, messageId } = report;
  // The mail.undelivered event, in the ticket's sequence (numbered when it is dispatched).
  const ticket = await readTicketStanding(recipient.ticketId);
  const status = ticket.currentRequestKey === recipient.requestKey ? (ticket.approvalStatus ?? 'canceled') : null;
  const draft = report.event.type === 'mail_undelivered' ? mailUndeliveredEvent(report.event, recipient.ticketId, status) : null;
  const events = draft ? eventWrites([draft], recipient.ticketId) : null;
  // The status it carries is the one read: the append holds only while the ticket still says so,
  // so the event takes its place in the sequence after the change that set that status.
  const standing = [
    ticket.currentRequestKey === null ? 'attribute_not_exists(currentRequestKey)' : 'currentRequestKey = :readRequestKey',
    ticket.approvalStatus === null ? 'attribute_not_exists(approvalStatus)' : 'approvalStatus = :readStatus',
  ];
  const unchanged = {
    expression: standing.join(' AND '),
    values: {
      ...(ticket.currentRequestKey === null ? {} : { ':readRequestKey': ticket.currentRequestKey }),
      ...(ticket.approvalStatus === null ? {} : { ':readStatus': ticket.approvalStatus }),
    },
  };
  const eventWritesOfReport: TxWrite[] = events ? [sequenceAppendWrite(recipient.ticketId, events.keys, unchanged), ...events.writes] : [];
  const key = keys.recipient(recipient.ticketId, recipient.requestKey, recipient.approverId);
  const recipientWrite = onRecipient
    ? {
        Update: {
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'SET #problem = :problem ADD reports :one',
          // An Update must never create a recipient that has gone; and the item holds a bounded number of reports.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(reports) OR reports < :cap)',
          ExpressionAttributeNames: { '#problem': deliveryProblemAttribute(messageId) },
          ExpressionAttributeValues: { ':problem': problem, ':one': 1, ':cap': GROWTH_LIMITS.reportsPerRecipient },
        },
      }
    : {
        Update: {
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'ADD reportsNotKept :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      };
  await transact([
    {
      item: recipientWrite,
      // Which condition failed: a full recipient is told apart from a missing one by the second try.
      onConditionFailed: () => (onRecipient ? new ReportsFullError() : new NoSuchRecipientError()),
    },
    activityWriteOnce(recipient.ticketId, report.event, report.reportId, () => new DuplicateReportError()),
    ...eventWritesOfReport,
  ]);
  return 'recorded';
}

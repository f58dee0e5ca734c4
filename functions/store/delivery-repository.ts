import type { ActivityEvent } from '../domain/activity.js';
import { GROWTH_LIMITS } from '../domain/limits.js';
import type { DeliveryProblem } from '../domain/types.js';
import { activityWriteOnce } from './activity-repository.js';
import { deliveryProblemAttribute } from './approval-records.js';
import { tableName } from './client.js';
import { keys } from './keys.js';
import { transact } from './transaction.js';

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
 * Records what SES reported about a mail, in one transaction and no read: on the recipient, in
 * an attribute of that mail's own (the recipient shows the one about its latest mail, see
 * approval-records.ts), and in the activity log, once per report.
 */
export async function recordDeliveryProblem(report: DeliveryReport): Promise<DeliveryOutcome> {
  try {
    return await recordReport(report, true).catch(async (error) => {
      // The recipient holds its cap of reports (limits.ts): this one goes to the activity log only.
      if (error instanceof ReportsFullError) return recordReport(report, false);
      throw error;
    });
  } catch (error) {
    if (error instanceof NoSuchRecipientError) return 'no-such-recipient';
    if (error instanceof DuplicateReportError) return 'duplicate';
    throw error;
  }
}

async function recordReport(report: DeliveryReport, onRecipient: boolean): Promise<DeliveryOutcome> {
  const { recipient, problem, messageId } = report;
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
  ]);
  return 'recorded';
}

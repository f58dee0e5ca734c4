import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEvent } from '../domain/activity.js';
import type { DeliveryProblem } from '../domain/types.js';
import { activityWriteOnce } from './activity-repository.js';
import { documents, tableName } from './client.js';
import { keys } from './keys.js';
import { retryOnStaleState, StaleStateError, transact } from './transaction.js';

export interface RecipientRef {
  ticketId: string;
  requestKey: string;
  approverId: string;
}

export interface DeliveryReport {
  recipient: RecipientRef;
  problem: DeliveryProblem;
  /** When SES accepted the mail the report is about. */
  mailSentAt: string;
  /** The report's own id (the EventBridge event id): the same report twice is recorded once. */
  reportId: string;
  event: ActivityEvent;
}

/** recorded: on the recipient and in the log; older-mail: a later mail went out since, so only in the log. */
export type DeliveryOutcome = 'recorded' | 'older-mail' | 'duplicate' | 'no-such-recipient';

class DuplicateReportError extends Error {
  override name = 'DuplicateReportError';
}

/**
 * Records what SES reported about a mail: on the recipient (the Approvals tab shows it) unless a
 * later mail to them has gone out since, and in the activity log either way, in one transaction.
 *
 * The recipient's `lastMailAt` is stamped just before each SendEmail, so it is never later than
 * SES's acceptance time of that mail, and always later than that of any earlier one.
 */
export async function recordDeliveryProblem(report: DeliveryReport): Promise<DeliveryOutcome> {
  try {
    // A mail recorded (or any write to the recipient) between our read and our write: read again.
    return await retryOnStaleState(() => recordOnce(report), 10);
  } catch (error) {
    if (error instanceof DuplicateReportError) return 'duplicate';
    throw error;
  }
}

async function recordOnce(report: DeliveryReport): Promise<DeliveryOutcome> {
  const { recipient, problem, mailSentAt } = report;
  const key = keys.recipient(recipient.ticketId, recipient.requestKey, recipient.approverId);
  const current = await documents.send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true, ProjectionExpression: 'pk, lastMailAt' }),
  );
  if (!current.Item) return 'no-such-recipient';
  const lastMailAt = current.Item.lastMailAt as string | undefined;
  const log = activityWriteOnce(recipient.ticketId, report.event, `ses-${report.reportId}`, () => new DuplicateReportError());
  if (lastMailAt !== undefined && lastMailAt > mailSentAt) {
    await transact([log]);
    return 'older-mail';
  }
  await transact([
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'SET deliveryProblem = :problem',
          // Unchanged since the read (an Update must never create a recipient that has gone).
          ConditionExpression: `attribute_exists(pk) AND ${lastMailAt === undefined ? 'attribute_not_exists(lastMailAt)' : 'lastMailAt = :last'}`,
          ExpressionAttributeValues: { ':problem': problem, ...(lastMailAt === undefined ? {} : { ':last': lastMailAt }) },
        },
      },
      onConditionFailed: () => new StaleStateError(),
    },
    log,
  ]);
  return 'recorded';
}

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
  /** SES's id of the mail the report is about. */
  messageId: string;
  /** Names the report: the same report twice is recorded once. */
  reportId: string;
  event: ActivityEvent;
}

export type DeliveryOutcome = 'recorded' | 'duplicate' | 'no-such-recipient';

/**
 * Internal to this module: a second Put of the same report's activity entry. Not a
 * SignoffError, because it never reaches a caller: it becomes the 'duplicate' outcome.
 */
class DuplicateReportError extends Error {
  override name = 'DuplicateReportError';
}

/**
 * Records what SES reported about a mail, in one transaction: on the recipient, under the
 * mail's SES message id (`deliveryProblems`; the recipient shows the one about its latest mail,
 * see approval-records.ts), and in the activity log, once per report.
 */
export async function recordDeliveryProblem(report: DeliveryReport): Promise<DeliveryOutcome> {
  try {
    // The recipient changed between our read and our write (the first report about them, or a
    // concurrent one): read again.
    return await retryOnStaleState(() => recordOnce(report), 10);
  } catch (error) {
    if (error instanceof DuplicateReportError) return 'duplicate';
    throw error;
  }
}

async function recordOnce(report: DeliveryReport): Promise<DeliveryOutcome> {
  const { recipient, problem, messageId } = report;
  const key = keys.recipient(recipient.ticketId, recipient.requestKey, recipient.approverId);
  const current = await documents.send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true, ProjectionExpression: 'pk, deliveryProblems' }),
  );
  if (!current.Item) return 'no-such-recipient';
  // A map attribute must exist before a key can be set in it; an Update must never create a
  // recipient that has gone (attribute_exists(pk)).
  const update =
    current.Item.deliveryProblems === undefined
      ? {
          UpdateExpression: 'SET deliveryProblems = :problems',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveryProblems)',
          ExpressionAttributeValues: { ':problems': { [messageId]: problem } },
        }
      : {
          UpdateExpression: 'SET deliveryProblems.#message = :problem',
          ConditionExpression: 'attribute_exists(deliveryProblems)',
          ExpressionAttributeNames: { '#message': messageId },
          ExpressionAttributeValues: { ':problem': problem },
        };
  await transact([
    { item: { Update: { TableName: tableName(), Key: key, ...update } }, onConditionFailed: () => new StaleStateError() },
    activityWriteOnce(recipient.ticketId, report.event, report.reportId, () => new DuplicateReportError()),
  ]);
  return 'recorded';
}

import type { ActivityEvent } from '../domain/activity.js';
import type { DeliveryProblem } from '../domain/types.js';
import { mailUndeliveredEvent } from '../domain/webhook-events.js';
import { activityWriteOnce } from './activity-repository.js';
import { deliveryProblemAttribute } from './approval-records.js';
import { tableName } from './client.js';
import { eventWrites, readTicketSequence, sequenceUpdate } from './event-outbox.js';
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
 * Internal to this module: which condition of the transaction failed. Not SignoffErrors,
 * because they never reach a caller: they become outcomes.
 */
class NoSuchRecipientError extends Error {}
class DuplicateReportError extends Error {}

/**
 * Records what SES reported about a mail, in one transaction: on the recipient, in an attribute
 * of that mail's own (the recipient shows the one about its latest mail, see
 * approval-records.ts), in the activity log, once per report, and as a `mail.undelivered` event
 * (numbered in the ticket's sequence, which is the one read).
 */
export async function recordDeliveryProblem(report: DeliveryReport): Promise<DeliveryOutcome> {
  try {
    await retryOnStaleState(() => recordOnce(report));
    return 'recorded';
  } catch (error) {
    if (error instanceof NoSuchRecipientError) return 'no-such-recipient';
    if (error instanceof DuplicateReportError) return 'duplicate';
    throw error;
  }
}

async function recordOnce(report: DeliveryReport): Promise<void> {
  const { recipient, problem, messageId } = report;
  const ticket = await readTicketSequence(recipient.ticketId);
  const status = ticket.currentRequestKey === recipient.requestKey ? (ticket.approvalStatus ?? 'canceled') : null;
  const sequence = sequenceUpdate(ticket.sequence, 1);
  const draft = report.event.type === 'mail_undelivered' ? mailUndeliveredEvent(report.event, recipient.ticketId, status) : null;
  await transact([
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.recipient(recipient.ticketId, recipient.requestKey, recipient.approverId),
          UpdateExpression: 'SET #problem = :problem',
          // An Update must never create a recipient that has gone.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#problem': deliveryProblemAttribute(messageId) },
          ExpressionAttributeValues: { ':problem': problem },
        },
      },
      onConditionFailed: () => new NoSuchRecipientError(),
    },
    activityWriteOnce(recipient.ticketId, report.event, report.reportId, () => new DuplicateReportError()),
    ...(draft
      ? [
          {
            item: {
              Update: {
                TableName: tableName(),
                Key: keys.ticket(recipient.ticketId),
                UpdateExpression: `SET ${sequence.set}`,
                ConditionExpression: sequence.condition,
                ExpressionAttributeValues: sequence.values,
              },
            },
            onConditionFailed: () => new StaleStateError(),
          },
          ...eventWrites([draft], ticket.sequence),
        ]
      : []),
  ]);
}

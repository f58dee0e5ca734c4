import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../logger.js';
import { redactError } from '../../redact.js';
import { issueDueReceipts, issueReceipts } from '../../services/receipts.js';

/**
 * Signs receipts. Two triggers, one job: the table's stream hands over each unsigned receipt as
 * the closing transaction writes it; a schedule (an event without Records) signs whatever is
 * still unsigned (the due index), so a failed signing or a stream that gave up loses nothing.
 */
export const handler = async (event: Partial<DynamoDBStreamEvent>): Promise<DynamoDBBatchResponse | { issued: number }> => {
  if (!event.Records) return { issued: await issueDueReceipts() };
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  const done = new Set<string>();
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    const ticketId = image?.ticketId?.S;
    if (record.eventName !== 'INSERT' || image?.entity?.S !== 'receipt' || !ticketId || done.has(ticketId)) continue;
    try {
      await issueReceipts(ticketId);
      done.add(ticketId);
    } catch (error) {
      logger.error('receipt signing failed', { error: redactError(error), ticketId });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures };
};

import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../logger.js';
import { redactError } from '../../redact.js';
import { dispatchEvent } from '../../services/dispatcher.js';
import { listDueEvents } from '../../store/event-outbox.js';

/**
 * Delivers events to webhooks (and the EventBridge bus). Two triggers, one job: the table's
 * stream hands over each new event at once (in order, one after the other); a schedule (an
 * event without Records) retries what is due again from the due index.
 */
export const handler = async (event: Partial<DynamoDBStreamEvent>): Promise<DynamoDBBatchResponse | { dispatched: number }> => {
  if (!event.Records) {
    const due = await listDueEvents(new Date());
    for (const key of due) await dispatchEvent(key);
    return { dispatched: due.length };
  }
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image?.entity?.S !== 'event' || !image.id?.S) continue;
    try {
      await dispatchEvent(image.id.S);
    } catch (error) {
      logger.error('event dispatch failed', { error: redactError(error), eventKey: image.id.S });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures };
};

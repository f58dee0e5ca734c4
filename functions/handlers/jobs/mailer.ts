import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../logger.js';
import { redactError } from '../../redact.js';
import { deliverOutbox } from '../../services/mailer.js';

/**
 * Fed by the table's stream (in AWS by Lambda, locally by the stream poller with the same event
 * shape). New outbox entries are delivered; a record whose delivery could not even be recorded
 * comes back as a batch item failure, so only it (and what follows) is redelivered.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image?.entity?.S !== 'outbox' || !image.id?.S) continue;
    try {
      await deliverOutbox(image.id.S);
    } catch (error) {
      logger.error('outbox delivery failed', { error: redactError(error), outboxId: image.id.S });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures };
};

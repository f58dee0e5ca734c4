import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../logger.js';
import { redactError } from '../../redact.js';
import { deliverOutbox } from '../../services/mailer.js';
import { invocationDeadline } from './invocation-deadline.js';

/**
 * Fed by the table's stream (in AWS by Lambda, locally by the stream poller with the same event
 * shape). The batch's new outbox entries are delivered at once (each mail is claimed before it is
 * sent, so a record handled twice sends nothing twice); a record whose delivery could not even be
 * recorded comes back as a batch item failure, so only it (and what follows) is redelivered.
 */
export const handler = async (
  event: DynamoDBStreamEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DynamoDBBatchResponse> => {
  // What is not sent when the time runs out (a low SES rate, a long batch) is handed over again.
  const options = invocationDeadline(context);
  const outcomes = await Promise.all(
    event.Records.map(async (record) => {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || image?.entity?.S !== 'outbox' || !image.id?.S) return null;
      try {
        // Stopped (the local stack's Ctrl-C) before it was all sent: handed over again after the restart.
        if ((await deliverOutbox(image.id.S, new Date(), options)) !== 'stopped') return null;
        return { itemIdentifier: record.dynamodb?.SequenceNumber ?? '' };
      } catch (error) {
        logger.error('outbox delivery failed', { error: redactError(error), outboxId: image.id.S });
        return { itemIdentifier: record.dynamodb?.SequenceNumber ?? '' };
      }
    }),
  );
  return { batchItemFailures: outcomes.filter((failure) => failure !== null) };
};

import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { WebhookEventType } from '../../domain/webhook-events.js';
import { type BatchEvent, dispatchBatch, dispatchDue, groupOf } from '../../services/dispatch-batch.js';
import { invocationDeadline } from './invocation-deadline.js';

/** An event insert of the stream: its key, ticket and type (from the item, no read). */
function eventOf(record: DynamoDBRecord): BatchEvent<DynamoDBRecord> | null {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image?.entity?.S !== 'event' || !image.id?.S) return null;
  const body = image.body?.M;
  const type = body?.type?.S as WebhookEventType | undefined;
  const ticketId = body?.data?.M?.ticketId?.S;
  // A sequence already on the item (a writer of the kind that numbered its own events) places it.
  const sequence = body?.data?.M?.sequence?.N;
  const place = sequence !== undefined ? { sequence: Number(sequence) } : ticketId ? { unnumberedOf: ticketId } : {};
  return { key: image.id.S, group: groupOf(image.id.S, ticketId), ...(type ? { type } : {}), ...place, source: record };
}

/**
 * Delivers events to webhooks (and the EventBridge bus). Two triggers, one job: the table's
 * stream hands over each new event at once; a schedule (an event without Records) retries what
 * is due again from the due index. Either way a ticket's events go one after the other, in
 * order, and different tickets' events at once (services/dispatch-batch.ts).
 */
export const handler = async (
  event: Partial<DynamoDBStreamEvent>,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DynamoDBBatchResponse | { dispatched: number }> => {
  // No event is started that could still run when the function times out.
  const options = invocationDeadline(context);
  if (!event.Records) return { dispatched: await dispatchDue(new Date(), options) };
  const events = event.Records.map(eventOf).filter((e): e is BatchEvent<DynamoDBRecord> => e !== null);
  const failed = await dispatchBatch(events, options);
  return {
    batchItemFailures: events.filter((e) => failed.has(e)).map((e) => ({ itemIdentifier: e.source?.dynamodb?.SequenceNumber ?? '' })),
  };
};

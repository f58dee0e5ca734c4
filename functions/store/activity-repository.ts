import type { ActivityEvent } from '../domain/activity.js';
import { toActivity } from './approval-records.js';
import { tableName } from './client.js';
import { ulid } from './ids.js';
import { keys } from './keys.js';
import { queryPage } from './paging.js';
import { queryAll } from './query.js';
import type { TxWrite } from './transaction.js';

const activityItem = (ticketId: string, event: ActivityEvent, id: string) => ({
  ...keys.activity(ticketId, event.at, id),
  entity: 'activity',
  ticketId,
  ...event,
});

/** Activity entries are written in the transaction of the change they record. */
export function activityWrites(ticketId: string, events: ActivityEvent[]): TxWrite[] {
  return events.map((event) => ({ item: { Put: { TableName: tableName(), Item: activityItem(ticketId, event, ulid()) } } }));
}

/**
 * An entry for something reported to us more than once (an event delivered at least once): its
 * id comes from the report, and a second Put of the same report fails with `onDuplicate`.
 */
export function activityWriteOnce(ticketId: string, event: ActivityEvent, reportId: string, onDuplicate: () => Error): TxWrite {
  return {
    item: {
      Put: { TableName: tableName(), Item: activityItem(ticketId, event, reportId), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    onConditionFailed: onDuplicate,
  };
}

/** The ticket's activity log, oldest first. */
export async function listActivity(ticketId: string): Promise<ActivityEvent[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :act)',
    ExpressionAttributeValues: { ':pk': keys.ticketPartition(ticketId), ':act': keys.activityPrefix },
  });
  return items.map(toActivity);
}

/** The ticket's activity log, oldest first, a page at a time. */
export async function listActivityPage(
  ticketId: string,
  limit: number,
  cursor?: string,
): Promise<{ activity: ActivityEvent[]; next: string | null }> {
  const pk = keys.ticketPartition(ticketId);
  const page = await queryPage(
    [
      {
        input: {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :act)',
          ExpressionAttributeValues: { ':pk': pk, ':act': keys.activityPrefix },
        },
        keyAttributes: ['pk', 'sk'],
        partition: { attribute: 'pk', value: pk },
      },
    ],
    limit,
    cursor,
  );
  return { activity: page.items.map(toActivity), next: page.next };
}

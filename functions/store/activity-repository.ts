import type { ActivityEvent } from '../domain/activity.js';
import { toActivity } from './approval-records.js';
import { tableName } from './client.js';
import { ulid } from './ids.js';
import { keys } from './keys.js';
import { queryAll } from './query.js';
import type { TxWrite } from './transaction.js';

/** Activity entries are written in the transaction of the change they record. */
export function activityWrites(ticketId: string, events: ActivityEvent[]): TxWrite[] {
  return events.map((event) => ({
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.activity(ticketId, event.at, ulid()), entity: 'activity', ticketId, ...event },
      },
    },
  }));
}

/** The ticket's activity log, oldest first. */
export async function listActivity(ticketId: string): Promise<ActivityEvent[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :act)',
    ExpressionAttributeValues: { ':pk': keys.ticketPartition(ticketId), ':act': keys.activityPrefix },
  });
  return items.map(toActivity);
}

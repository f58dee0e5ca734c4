import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as config from '../config.js';
import { EVENT_SOURCE, type WebhookEvent } from '../domain/webhook-events.js';

const eventBridge = new EventBridgeClient({ region: config.region() });

/**
 * Puts one event on the EventBridge bus (AWS): source `signoff`, detail-type = the event type,
 * detail = the same body webhooks get. There is no EventBridge emulator: locally no bus is
 * configured and this is not called; its tests run it against aws-sdk-client-mock.
 */
export async function putOnBus(event: WebhookEvent, busName: string): Promise<void> {
  const result = await eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: EVENT_SOURCE,
          DetailType: event.type,
          Detail: JSON.stringify(event),
          Time: new Date(event.timestamp),
        },
      ],
    }),
  );
  if (result.FailedEntryCount) {
    const entry = result.Entries?.[0];
    throw new Error(`EventBridge refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
}

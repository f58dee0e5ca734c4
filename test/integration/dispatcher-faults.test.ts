import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { technician } from '../domain/fixtures.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

/**
 * The dispatcher under faults the emulators cannot produce, on a table of this file's own (the
 * local stack's dispatcher does not watch it), with a real HTTP receiver. EventBridge has no
 * emulator: its calls go to aws-sdk-client-mock, the same PutEvents the dispatcher makes in AWS.
 */
type Modules = {
  dispatcher: typeof import('../../functions/services/dispatcher.js');
  webhooks: typeof import('../../functions/services/webhooks.js') & typeof import('../../functions/services/webhook-secrets.js');
  outbox: typeof import('../../functions/store/event-outbox.js');
  log: typeof import('../../functions/store/delivery-log.js');
  client: typeof import('../../functions/store/client.js');
};

let m: Modules;
let receiver: Receiver;
const eventBridge = mockClient(EventBridgeClient);
const BUS = 'signoff-test';

beforeAll(async () => {
  await useOwnTable('dispatch');
  const keyFile = join(mkdtempSync(join(tmpdir(), 'signoff-key-')), 'webhook.key');
  writeFileSync(keyFile, randomBytes(32));
  Object.assign(process.env, {
    WEBHOOK_KEY_FILE: keyFile,
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    WEBHOOK_RETRY_SCHEDULE: '60,60',
    EVENT_BUS_NAME: BUS,
    LOG_LEVEL: 'SILENT',
  });
  m = {
    dispatcher: await import('../../functions/services/dispatcher.js'),
    webhooks: {
      ...(await import('../../functions/services/webhooks.js')),
      ...(await import('../../functions/services/webhook-secrets.js')),
    },
    outbox: await import('../../functions/store/event-outbox.js'),
    log: await import('../../functions/store/delivery-log.js'),
    client: await import('../../functions/store/client.js'),
  };
  receiver = await startReceiver();
});

afterEach(() => {
  eventBridge.reset();
});

afterAll(async () => {
  await receiver.close();
});

/** The keys of the events due now that belong to this ticket (or to no ticket: test events). */
async function dueEvents(now = new Date(Date.now() + 1000)) {
  return m.outbox.listDueEvents(now, 100);
}

describe('the dispatcher under faults', () => {
  it('delivers again after a crash between the delivery and its record, with the same webhook-id', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    const endpoint = await m.webhooks.registerWebhook({ url: receiver.url, events: ['webhook.test'] });
    const { eventId } = await m.webhooks.sendTestEvent(endpoint.id, technician);
    const key = eventId.replace(/^evt_/, '');
    expect(await dueEvents()).toContain(key);

    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const send = m.client.documents.send.bind(m.client.documents);
    // The process dies (here: the write fails) after the receiver got the event, before it was recorded.
    const crash = vi
      .spyOn(m.client.documents, 'send')
      .mockImplementation(((command: unknown) =>
        command instanceof PutCommand && (command.input.Item as { entity?: string }).entity === 'delivery'
          ? Promise.reject(new Error('crashed'))
          : send(command as never)) as never);
    await expect(m.dispatcher.dispatchEvent(key)).rejects.toThrow('crashed');
    crash.mockRestore();
    expect(receiver.received.filter((r) => r.id === eventId)).toHaveLength(1);
    expect((await m.log.listDeliveries(endpoint.id, 10)).deliveries).toEqual([]);

    // Still due: once the crashed run's lease is over, the sweep delivers it again.
    expect(await dueEvents(new Date(Date.now() + 120_000))).toContain(key);
    expect(await m.dispatcher.dispatchEvent(key, new Date(Date.now() + 120_000))).toBe('done');
    const got = receiver.received.filter((r) => r.id === eventId);
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect((await m.log.listDeliveries(endpoint.id, 10)).deliveries).toMatchObject([{ eventId, status: 'delivered', attempts: 1 }]);
    expect(await dueEvents(new Date(Date.now() + 3600_000))).not.toContain(key);
    // Put on the bus once: the crashed run had recorded that before it died.
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('puts each approval event on the EventBridge bus: source signoff, detail-type = type, detail = body', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }] });
    const { ticketId } = await savedRequest(['eb1']);
    const keys = await dueEvents();
    for (const key of keys) await m.dispatcher.dispatchEvent(key);
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    const ours = entries.filter((e) => JSON.parse(e.Detail ?? '{}').data?.ticketId === ticketId);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ EventBusName: BUS, Source: 'signoff', DetailType: 'approval.requested' });
    expect(JSON.parse(ours[0]!.Detail!)).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'approval.requested',
      data: { ticketId, sequence: 1 },
    });
  });

  it('keeps an event the bus refused, and puts it there on the next round', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-3' }] });
    const { ticketId } = await savedRequest(['eb2']);
    const [key] = await dueEvents();
    const now = new Date(Date.now() + 1000);
    expect(await m.dispatcher.dispatchEvent(key!, now)).toBe('retry-later');
    expect(await dueEvents(new Date(now.getTime() + 60_000))).toContain(key);
    expect(await m.dispatcher.dispatchEvent(key!, new Date(now.getTime() + 120_000))).toBe('done');
    const detailTickets = eventBridge
      .commandCalls(PutEventsCommand)
      .map((c) => JSON.parse(c.args[0].input.Entries![0]!.Detail!).data.ticketId);
    expect(detailTickets).toEqual([ticketId, ticketId]);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebhookEventType } from '../../functions/domain/webhook-events.js';
import { useOwnTable } from '../support/own-table.js';
import { writeTicketEvents } from '../support/ticket-events.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

/**
 * The dispatcher's scheduled rounds read the oldest fifty due events. On a table of this file's
 * own (nothing else due on it, and no dispatcher of the local stack watching it), with a real
 * HTTP receiver; EventBridge through aws-sdk-client-mock.
 */
type Modules = {
  job: typeof import('../../functions/handlers/jobs/dispatcher.js');
  transaction: typeof import('../../functions/store/transaction.js');
  webhooks: typeof import('../../functions/services/webhook-secrets.js');
  outbox: typeof import('../../functions/store/event-outbox.js');
  client: typeof import('../../functions/store/client.js');
  keys: typeof import('../../functions/store/keys.js');
};

let m: Modules;
let receiver: Receiver;
const eventBridge = mockClient(EventBridgeClient);

beforeAll(async () => {
  await useOwnTable('sweep');
  const keyFile = join(mkdtempSync(join(tmpdir(), 'signoff-key-')), 'webhook.key');
  writeFileSync(keyFile, randomBytes(32));
  Object.assign(process.env, {
    WEBHOOK_KEY_FILE: keyFile,
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    EVENT_BUS_NAME: 'signoff-test',
    LOG_LEVEL: 'SILENT',
  });
  m = {
    job: await import('../../functions/handlers/jobs/dispatcher.js'),
    transaction: await import('../../functions/store/transaction.js'),
    webhooks: await import('../../functions/services/webhook-secrets.js'),
    outbox: await import('../../functions/store/event-outbox.js'),
    client: await import('../../functions/store/client.js'),
    keys: await import('../../functions/store/keys.js'),
  };
  receiver = await startReceiver();
  await m.webhooks.registerWebhook({ url: receiver.url, events: ['approval.requested', 'approval.responded'] });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
});

afterAll(async () => {
  await receiver.close();
});

/** Events of one ticket, as a change writes them; due at `at`. */
async function ticketEvents(ticketId: string, types: WebhookEventType[], at: string): Promise<string[]> {
  return (await writeTicketEvents(m, ticketId, types, at)).keys;
}

describe('a scheduled round', () => {
  it('moves what it could not deliver behind the rest, so fifty that keep failing hide nothing', async () => {
    // 60 events of a ticket whose numbering keeps failing, due before another ticket's one.
    const stuck = `T-stuck-${randomBytes(3).toString('hex')}`;
    const early = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 3; i++)
      await ticketEvents(
        stuck,
        Array.from({ length: 20 }, () => 'approval.responded' as const),
        early,
      );
    const [waiting] = await ticketEvents(`T-ok-${randomBytes(3).toString('hex')}`, ['approval.requested'], new Date().toISOString());
    const stuckTicket = m.keys.keys.ticket(stuck).pk;
    const { GetCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const send = m.client.documents.send.bind(m.client.documents);
    // Numbering that ticket fails (its transaction, then the one-by-one read); all else works.
    const numbersStuck = (command: unknown) =>
      (command instanceof GetCommand || command instanceof TransactWriteCommand) && JSON.stringify(command.input).includes(stuckTicket);
    const failing = vi
      .spyOn(m.client.documents, 'send')
      .mockImplementation(((command: unknown) =>
        numbersStuck(command) ? Promise.reject(new Error('the stuck ticket cannot be numbered')) : send(command as never)) as never);
    try {
      // The first round reads the oldest fifty: all the stuck ticket's, none delivered.
      await m.job.handler({});
      expect(receiver.received).toHaveLength(0);
      // The next one reads past them.
      await m.job.handler({});
      expect(receiver.received.map((r) => r.id)).toEqual([`evt_${waiting}`]);
    } finally {
      failing.mockRestore();
    }
    // Once the ticket can be numbered, its events go out, numbered in order, when they fall due
    // again (a minute later: the rounds of the next minutes).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 120_000);
      for (let round = 0; round < 5 && receiver.received.length < 61; round++) await m.job.handler({});
    } finally {
      vi.useRealTimers();
    }
    const stuckOnes = receiver.received.filter((r) => r.event.data.ticketId === stuck);
    expect(stuckOnes.map((r) => r.event.data.sequence)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('defers an event only from the place it read, never over a retry written meanwhile', async () => {
    const [key] = await ticketEvents(`T-race-${randomBytes(3).toString('hex')}`, ['approval.requested'], new Date().toISOString());
    const read = (await m.outbox.listDueEventsWithTickets(new Date(Date.now() + 1000), 100)).find((e) => e.key === key)!;
    // Another dispatcher reschedules it for a retry in 5 s, after this round read it.
    const retryAt = new Date(Date.now() + 5000);
    await m.outbox.rescheduleEvent(key!, retryAt);
    await m.outbox.deferEvent(key!, read.due, new Date(Date.now() + 60_000));
    const place = async () =>
      (await m.outbox.listDueEventsWithTickets(new Date(Date.now() + 3600_000), 100)).find((e) => e.key === key)?.due;
    expect(await place()).toBe(m.keys.eventKeys.due(retryAt.toISOString(), key!).gsi3sk);
    // From the place it read, it moves.
    const deferredTo = new Date(Date.now() + 60_000);
    await m.outbox.deferEvent(key!, (await place())!, deferredTo);
    expect(await place()).toBe(m.keys.eventKeys.due(deferredTo.toISOString(), key!).gsi3sk);
  });
});

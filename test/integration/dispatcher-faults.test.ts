import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebhookEventType } from '../../functions/domain/webhook-events.js';
import { technician } from '../domain/fixtures.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';
import { writeTicketEvents } from '../support/ticket-events.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

/**
 * The dispatcher under faults the emulators cannot produce, on a table of this file's own (the
 * local stack's dispatcher does not watch it), with a real HTTP receiver. EventBridge has no
 * emulator: its calls go to aws-sdk-client-mock, the same PutEvents the dispatcher makes in AWS.
 */
type Modules = {
  dispatcher: typeof import('../../functions/services/dispatcher.js');
  job: typeof import('../../functions/handlers/jobs/dispatcher.js');
  transaction: typeof import('../../functions/store/transaction.js');
  webhooks: typeof import('../../functions/services/webhooks.js') & typeof import('../../functions/services/webhook-secrets.js');
  outbox: typeof import('../../functions/store/event-outbox.js');
  log: typeof import('../../functions/store/delivery-log.js');
  client: typeof import('../../functions/store/client.js');
  keys: typeof import('../../functions/store/keys.js');
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
    job: await import('../../functions/handlers/jobs/dispatcher.js'),
    transaction: await import('../../functions/store/transaction.js'),
    webhooks: {
      ...(await import('../../functions/services/webhooks.js')),
      ...(await import('../../functions/services/webhook-secrets.js')),
    },
    outbox: await import('../../functions/store/event-outbox.js'),
    log: await import('../../functions/store/delivery-log.js'),
    client: await import('../../functions/store/client.js'),
    keys: await import('../../functions/store/keys.js'),
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

/** A ticket's events, written to the outbox as saveChange writes them (numbered when dispatched); their stream records. */
async function ticketEvents(
  types: WebhookEventType[],
  ticketId = `T-${randomBytes(4).toString('hex')}`,
): Promise<{ ticketId: string; ids: string[]; records: DynamoDBRecord[] }> {
  const { items } = await writeTicketEvents(m, ticketId, types);
  return {
    ticketId,
    ids: items.map((item) => item.body.id),
    // The fields of the stream's NewImage the dispatcher reads; the sequence numbers are made up, increasing.
    records: items.map((item) => ({
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: `${Date.now()}${item.id}`,
        NewImage: {
          entity: { S: 'event' },
          id: { S: item.id },
          body: { M: { type: { S: item.body.type }, data: { M: { ticketId: { S: ticketId } } } } },
        },
      },
    })),
  };
}

describe('the stream handler: a batch of several tickets', () => {
  /** A receiver of its own with an endpoint for the request events, both gone after `work`. */
  async function withEndpoint(work: (hooks: Receiver) => Promise<void>): Promise<void> {
    const hooks = await startReceiver();
    let endpointId = '';
    try {
      endpointId = (await m.webhooks.registerWebhook({ url: hooks.url, events: ['approval.requested', 'approval.responded'] })).id;
      await work(hooks);
    } finally {
      await hooks.close();
      if (endpointId) await m.webhooks.deleteWebhook(endpointId);
    }
  }

  it("delivers a ticket's events in sequence order when the stream hands them over in another", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-8' }] });
    await withEndpoint(async (hooks) => {
      const a = await ticketEvents(['approval.requested', 'approval.responded', 'approval.responded']);
      // Records of different items (each event is its own) come in no particular order.
      const result = await m.job.handler({ Records: [...a.records].reverse() });
      expect(result).toEqual({ batchItemFailures: [] });
      expect(hooks.received.map((r) => r.id)).toEqual(a.ids);
      expect(hooks.received.map((r) => r.event.data.sequence)).toEqual([1, 2, 3]);
    });
  });

  it("delivers in sequence order a ticket's events that another numberer numbered first", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-9' }] });
    await withEndpoint(async (hooks) => {
      const a = await ticketEvents(['approval.requested', 'approval.responded', 'approval.responded']);
      // The schedule (or another batch) numbered them between the writes and this batch.
      await m.outbox.assignSequences(a.ticketId);
      const result = await m.job.handler({ Records: [...a.records].reverse() });
      expect(result).toEqual({ batchItemFailures: [] });
      expect(hooks.received.map((r) => r.event.data.sequence)).toEqual([1, 2, 3]);
    });
  });

  it('places by the sequence a stream record already carries (a writer that numbered its own events)', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-10' }] });
    await withEndpoint(async (hooks) => {
      const a = await ticketEvents(['approval.requested', 'approval.responded', 'approval.responded']);
      await m.outbox.assignSequences(a.ticketId);
      // The records as such a writer's inserts would show them: the number on the item from the start.
      const records = a.records.map((r, i) => {
        const image = r.dynamodb!.NewImage!;
        const data = { M: { ...image.body!.M!.data!.M!, sequence: { N: String(i + 1) } } };
        return { ...r, dynamodb: { ...r.dynamodb, NewImage: { ...image, body: { M: { ...image.body!.M!, data } } } } };
      });
      const result = await m.job.handler({ Records: records.reverse() });
      expect(result).toEqual({ batchItemFailures: [] });
      expect(hooks.received.map((r) => r.event.data.sequence)).toEqual([1, 2, 3]);
    });
  });

  it("dispatches different tickets' events at once, each ticket's in sequence order", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-4' }] });
    await withEndpoint(async (hooks) => {
      const a = await ticketEvents(['approval.requested', 'approval.responded', 'approval.responded']);
      const b = await ticketEvents(['approval.requested']);
      // A's first delivery is answered only once B's arrived: one event after the other, B's would
      // come after all of A's, and A's first would be let go after 5 s (then the test fails).
      let bArrived: () => void = () => {};
      const arrived = new Promise<void>((resolve) => (bArrived = resolve));
      let heldTooLong = false;
      let a1AnsweredAfter = -1;
      hooks.answer = (r) => {
        if (r.id === b.ids[0]) bArrived();
        if (r.id !== a.ids[0]) return 204;
        const letGo = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()).then(() => {
          heldTooLong = true;
        });
        return Promise.race([arrived, letGo]).then(() => {
          a1AnsweredAfter = hooks.received.length;
          return 204;
        });
      };
      const result = await m.job.handler({ Records: [...a.records, ...b.records] });
      expect(result).toEqual({ batchItemFailures: [] });
      expect(heldTooLong).toBe(false);
      const order = hooks.received.map((r) => r.id);
      // Each once; A's in sequence order, the next one sent only after the one before was answered.
      expect(order.filter((id) => a.ids.includes(id))).toEqual(a.ids);
      expect(order.filter((id) => b.ids.includes(id))).toEqual(b.ids);
      expect(order.indexOf(b.ids[0]!)).toBeLessThan(order.indexOf(a.ids[1]!));
      expect(order.indexOf(a.ids[1]!)).toBeGreaterThanOrEqual(a1AnsweredAfter);
      expect(hooks.received.filter((r) => a.ids.includes(r.id)).map((r) => r.event.data.sequence)).toEqual([1, 2, 3]);
    });
  });

  it('starts no event that could outlast the function, and reports the rest of its ticket for the next batch', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-6' }] });
    await withEndpoint(async (hooks) => {
      const e = await ticketEvents(['approval.requested', 'approval.responded']);
      // 12 s left: less than the receiver's 10 s timeout and the event's own writes.
      const short = await m.job.handler({ Records: e.records }, { getRemainingTimeInMillis: () => 12_000 });
      expect(short).toEqual({ batchItemFailures: e.records.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })) });
      expect(hooks.received).toHaveLength(0);
      // The stream hands them over again; an invocation with time sends both, in order.
      const full = await m.job.handler({ Records: e.records }, { getRemainingTimeInMillis: () => 120_000 });
      expect(full).toEqual({ batchItemFailures: [] });
      expect(hooks.received.map((r) => r.id)).toEqual(e.ids);
    });
  });

  it("stops a ticket at its failed event, reports it and the rest of that ticket's, and neither blocks nor re-sends another ticket's", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-5' }] });
    await withEndpoint(async (hooks) => {
      const c = await ticketEvents(['approval.requested', 'approval.responded']);
      const d = await ticketEvents(['approval.requested']);
      const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
      const send = m.client.documents.send.bind(m.client.documents);
      // Recording C's first delivery fails (after the receiver got it).
      const crash = vi
        .spyOn(m.client.documents, 'send')
        .mockImplementation(((command: unknown) =>
          command instanceof PutCommand && (command.input.Item as { eventId?: string }).eventId === c.ids[0]
            ? Promise.reject(new Error('crashed'))
            : send(command as never)) as never);
      const batch = [c.records[0]!, d.records[0]!, c.records[1]!];
      let result: unknown;
      try {
        result = await m.job.handler({ Records: batch });
      } finally {
        crash.mockRestore();
      }
      expect(result).toEqual({
        batchItemFailures: [
          { itemIdentifier: c.records[0]!.dynamodb!.SequenceNumber },
          { itemIdentifier: c.records[1]!.dynamodb!.SequenceNumber },
        ],
      });
      const count = (id: string) => hooks.received.filter((r) => r.id === id).length;
      expect([count(c.ids[0]!), count(d.ids[0]!), count(c.ids[1]!)]).toEqual([1, 1, 0]);

      // The stream hands the batch over again from the failed record on: D's event is done and not
      // sent again; C's first is still leased to the failed run (the sweep retries it after).
      await m.job.handler({ Records: batch });
      expect([count(c.ids[0]!), count(d.ids[0]!)]).toEqual([1, 1]);

      // Once the lease is over, C's first goes again (at least once), and nothing is left due.
      const later = new Date(Date.now() + 120_000);
      for (const key of [...c.ids, ...d.ids].map((id) => id.replace(/^evt_/, ''))) await m.dispatcher.dispatchEvent(key, later);
      expect(count(c.ids[0]!)).toBe(2);
      expect(count(d.ids[0]!)).toBe(1);
      expect(count(c.ids[1]!)).toBe(1);
      const due = await dueEvents(new Date(Date.now() + 3600_000));
      for (const id of [...c.ids, ...d.ids]) expect(due).not.toContain(id.replace(/^evt_/, ''));
    });
  });
});

describe("numbering tickets' events", () => {
  /** The sequence each of these events was given, read from its outbox item. */
  async function sequencesOf(ids: string[]): Promise<(number | null)[]> {
    return Promise.all(ids.map((id) => m.outbox.readEventSequence(id.replace(/^evt_/, ''))));
  }

  it('numbers many tickets in one go, 1…n per ticket in commit order, including one with more than a transaction holds', async () => {
    const small = await Promise.all(Array.from({ length: 30 }, () => ticketEvents(['approval.requested', 'approval.responded'])));
    // 120 waiting on one ticket, written by two changes (a transaction holds 100 writes).
    const first = await ticketEvents(Array.from({ length: 60 }, () => 'approval.responded' as const));
    const second = await ticketEvents(
      Array.from({ length: 60 }, () => 'approval.responded' as const),
      first.ticketId,
    );
    const big = { ticketId: first.ticketId, ids: [...first.ids, ...second.ids] };
    const { failed, given } = await m.outbox.assignSequencesOf([...small.map((t) => t.ticketId), big.ticketId]);
    expect(failed.size).toBe(0);
    // What it gave is what the items say.
    expect(given.get(big.ids[119]!.replace(/^evt_/, ''))).toBe(120);
    for (const t of small) expect(await sequencesOf(t.ids)).toEqual([1, 2]);
    expect(await sequencesOf(big.ids)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    // Later events of the same ticket go on from there.
    const more = await ticketEvents(['approval.approved'], small[0]!.ticketId);
    expect((await m.outbox.assignSequencesOf([more.ticketId])).failed).toEqual(new Map());
    expect(await sequencesOf(more.ids)).toEqual([3]);
  });

  it('two numberers at once (the stream and the schedule) never give a number twice', async () => {
    const tickets = await Promise.all(
      Array.from({ length: 10 }, () => ticketEvents(['approval.requested', 'approval.responded', 'approval.approved'])),
    );
    const ids = tickets.map((t) => t.ticketId);
    const [a, b] = await Promise.all([m.outbox.assignSequencesOf(ids), m.outbox.assignSequencesOf([...ids].reverse())]);
    expect([...a.failed.keys(), ...b.failed.keys()]).toEqual([]);
    for (const t of tickets) expect(await sequencesOf(t.ids)).toEqual([1, 2, 3]);
    // Between them, each number was given once.
    expect(a.given.size + b.given.size).toBe(30);
  });

  it('drops the keys whose event items are gone, without a number and without holding up the rest', async () => {
    const { ticketId, ids } = await ticketEvents(['approval.requested', 'approval.responded', 'approval.approved', 'approval.expired']);
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    for (const gone of [ids[1]!, ids[3]!]) {
      const key = m.keys.eventKeys.event(gone.replace(/^evt_/, ''));
      await m.client.documents.send(new DeleteCommand({ TableName: m.client.tableName(), Key: key }));
    }
    const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const transactions = vi.spyOn(m.client.documents, 'send');
    let failed: Map<string, unknown>;
    let transactionCount: number;
    try {
      ({ failed } = await m.outbox.assignSequencesOf([ticketId]));
      transactionCount = transactions.mock.calls.filter(([c]) => c instanceof TransactWriteCommand).length;
    } finally {
      transactions.mockRestore();
    }
    // The packed try, one failed try of the ticket alone (it names the first missing key; one read
    // finds the other), then the numbering.
    expect(transactionCount).toBe(3);
    expect(failed).toEqual(new Map());
    // No gap: the events that are there are 1 and 2.
    expect(await sequencesOf([ids[0]!, ids[2]!])).toEqual([1, 2]);
    const later = await ticketEvents(['approval.canceled'], ticketId);
    await m.outbox.assignSequences(ticketId);
    expect(await sequencesOf(later.ids)).toEqual([3]);
  });
});

describe('the scheduled round', () => {
  it('numbers the events it finds due without a sequence (the stream never handed them over) and delivers them numbered', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-7' }] });
    const hooks = await startReceiver();
    const endpointId = (await m.webhooks.registerWebhook({ url: hooks.url, events: ['approval.requested', 'approval.responded'] })).id;
    try {
      const e = await ticketEvents(['approval.requested', 'approval.responded']);
      // Scheduled rounds (no Records): what is due, 50 at a time, oldest first, from the due index
      // (this file's earlier tests left events due ahead of these).
      for (let round = 0; round < 20 && hooks.received.filter((r) => e.ids.includes(r.id)).length < 2; round++) {
        await m.job.handler({});
      }
      const got = hooks.received.filter((r) => e.ids.includes(r.id));
      expect(got.map((r) => [r.id, r.event.data.sequence])).toEqual([
        [e.ids[0], 1],
        [e.ids[1], 2],
      ]);
    } finally {
      await hooks.close();
      await m.webhooks.deleteWebhook(endpointId);
    }
  });
});

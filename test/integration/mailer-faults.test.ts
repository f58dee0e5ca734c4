import { randomUUID } from 'node:crypto';
import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOW } from '../domain/fixtures.js';
import { type OwnTableModules, ownTableModules } from '../support/own-table.js';
import { savedRequest as saveRequest } from '../support/saved-request.js';

/**
 * Faults DynamoDB Local and the SES emulator cannot produce, injected with aws-sdk-client-mock,
 * while the store runs for real on DynamoDB Local (in a table of its own, which the local
 * stack's mailer does not watch).
 */
let m: OwnTableModules & { handler: typeof import('../../functions/handlers/jobs/mailer.js') };
const ses = mockClient(SESv2Client);
const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: {} });

beforeAll(async () => {
  const modules = await ownTableModules('faults');
  m = { ...modules, handler: await import('../../functions/handlers/jobs/mailer.js') };
});

/** SES's account: a rate the mailer paces to (its GetAccount answer is cached for minutes). */
const mockAccount = () => ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 1000, Max24HourSend: 1e6, SentLast24Hours: 0 } });
mockAccount();

afterEach(() => {
  ses.reset();
  mockAccount();
});

/** A request for these approvers, saved for real; returns its id and its outbox entry's id. */
async function savedRequest(ids: string[]) {
  const { ticketId, requestId } = await saveRequest(ids);
  const due = await m.outbox.listDueOutbox(new Date(Date.now() + 1000), 100);
  const entries = await Promise.all(due.map((id) => m.outbox.getOutbox(id)));
  const entry = entries.find((e) => e?.requestId === requestId)!;
  return { ticketId, requestId, outboxId: entry.id };
}

const sentTo = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.[0]);

describe('the mailer under faults', () => {
  it('retries a throttled send with backoff, records the error, and sends once when SES recovers', async () => {
    const { ticketId, outboxId } = await savedRequest(['a1']);
    ses.on(SendEmailCommand).rejects(throttled);
    const now = new Date();
    expect(await m.mailer.deliverOutbox(outboxId, now)).toBe('retry-later');

    const failed = (await m.store.loadTab(ticketId)).request!.recipients[0]!;
    expect(failed.sentAt).toBeNull();
    expect(failed.mailError).toMatchObject({ message: expect.stringContaining('TooManyRequestsException'), attempts: 1 });
    expect(await m.outbox.listDueOutbox(now)).not.toContain(outboxId); // backed off: not due yet
    expect(await m.outbox.listDueOutbox(new Date(now.getTime() + 60_000))).toContain(outboxId);

    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    expect(await m.mailer.deliverOutbox(outboxId, new Date(now.getTime() + 60_000))).toBe('done');
    expect(await m.mailer.deliverOutbox(outboxId, new Date(now.getTime() + 120_000))).toBe('not-claimed');
    expect(sentTo()).toEqual(['a1@example.com']);

    const sent = (await m.store.loadTab(ticketId)).request!.recipients[0]!;
    expect(sent).toMatchObject({ sentAt: expect.any(String), mailError: null });
    const types = (await m.activity.listActivity(ticketId)).map((e) => e.type);
    expect(types).toEqual(['request_created', 'mail_failed', 'mail_sent']);
    expect(await m.outbox.listDueOutbox(new Date(now.getTime() + 10 * 3600_000))).not.toContain(outboxId);
  });

  it('never sends a mail twice when only part of an entry failed', async () => {
    const { outboxId } = await savedRequest(['b1', 'b2', 'b3']);
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Destination.ToAddresses[0] === 'b2@example.com') throw Object.assign(new Error('Rejected'), { name: 'MessageRejected' });
      return { MessageId: 'ok' };
    });
    expect(await m.mailer.deliverOutbox(outboxId)).toBe('retry-later');
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    expect(await m.mailer.deliverOutbox(outboxId, new Date(Date.now() + 3600_000))).toBe('done');
    expect(sentTo()).toEqual(['b2@example.com']);
  });

  it('returns only the failed stream records as batch item failures', async () => {
    const good = await savedRequest(['c1']);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    const record = (id: string, seq: string) => ({
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: seq, NewImage: { entity: { S: 'outbox' }, id: { S: id } } },
    });
    // An entry whose request cannot be read (a malformed id) makes delivery throw for that record only.
    const bad = `BAD${randomUUID().slice(0, 6)}`;
    await m.client.documents.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          ...m.keys.keys.outbox(bad),
          ...m.keys.indexKeys.due(NOW, bad),
          entity: 'outbox',
          id: bad,
          requestId: 'not-a-request',
          ticketId: 'x',
          mails: [],
          attempts: 0,
        },
      }),
    );
    const event = {
      Records: [record(good.outboxId, '100'), record(bad, '200'), { eventName: 'MODIFY', dynamodb: { SequenceNumber: '300' } }],
    } as unknown as DynamoDBStreamEvent;
    const result = await m.handler.handler(event);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '200' }]);
    expect(sentTo()).toEqual(['c1@example.com']);
  });

  it("starts no mail that could outlast the function, and reports the record so that the stream's next invocation sends it", async () => {
    const { outboxId } = await savedRequest(['h1', 'h2']);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    const event = {
      Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '300', NewImage: { entity: { S: 'outbox' }, id: { S: outboxId } } } }],
    } as unknown as DynamoDBStreamEvent;
    // 10 s left: less than one SES attempt (13 s at most) and the writes after it.
    const short = await m.handler.handler(event, { getRemainingTimeInMillis: () => 10_000 });
    expect(short.batchItemFailures).toEqual([{ itemIdentifier: '300' }]);
    expect(sentTo()).toEqual([]);
    expect(await m.outbox.listDueOutbox(new Date(Date.now() + 1000), 100)).toContain(outboxId);
    const full = await m.handler.handler(event, { getRemainingTimeInMillis: () => 60_000 });
    expect(full.batchItemFailures).toEqual([]);
    expect(sentTo().sort()).toEqual(['h1@example.com', 'h2@example.com']);
  });

  it('records after a crash what was sent before it, without sending it again', async () => {
    const { ticketId, outboxId } = await savedRequest(['d1', 'd2']);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const send = m.client.documents.send.bind(m.client.documents);
    // The process dies (here: the write fails) after both mails left, before they were recorded.
    const crash = vi
      .spyOn(m.client.documents, 'send')
      .mockImplementation(((command: unknown) =>
        command instanceof TransactWriteCommand ? Promise.reject(new Error('crashed')) : send(command as never)) as never);
    await expect(m.mailer.deliverOutbox(outboxId)).rejects.toThrow('crashed');
    crash.mockRestore();
    expect(sentTo()).toHaveLength(2);

    expect(await m.mailer.deliverOutbox(outboxId, new Date(Date.now() + 3600_000))).toBe('done');
    expect(sentTo()).toHaveLength(2);
    const recipients = (await m.store.loadTab(ticketId)).request!.recipients;
    expect(recipients.map((r) => typeof r.sentAt)).toEqual(['string', 'string']);
    const sentEvents = (await m.activity.listActivity(ticketId)).filter((e) => e.type === 'mail_sent');
    expect(sentEvents).toHaveLength(2);
  });

  it('sends each of 50 mails once when two senders work on one entry at once (the entry lease ran out)', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `e${i}`);
    const { ticketId, outboxId } = await savedRequest(ids);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    // The second sender finds the first one's lease on the entry run out (as after a long pause)
    // while the first still sends: only the claims on the mails keep the two apart.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const send = m.client.documents.send.bind(m.client.documents);
    let entryClaims = 0;
    const leaseRunOut = vi.spyOn(m.client.documents, 'send').mockImplementation(((command: unknown) => {
      const input = command instanceof UpdateCommand ? command.input : undefined;
      if (input?.ConditionExpression?.includes('leaseUntil < :now') && ++entryClaims === 2) {
        input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':now': '9999' }; // later than any lease
      }
      return send(command as never);
    }) as never);
    const outcomes = await Promise.all([m.mailer.deliverOutbox(outboxId), m.mailer.deliverOutbox(outboxId)]);
    leaseRunOut.mockRestore();
    // Each may see the other holding mails (then it looks again later), or find the entry done
    // already: nothing is left unsent.
    for (const outcome of outcomes) expect(['done', 'retry-later', 'not-claimed']).toContain(outcome);
    const later = new Date(Date.now() + 3600_000);
    if (!outcomes.includes('done')) expect(await m.mailer.deliverOutbox(outboxId, later)).toBe('done');
    expect(sentTo()).toHaveLength(50);
    expect(new Set(sentTo())).toEqual(new Set(ids.map((id) => `${id}@example.com`)));
    const recipients = (await m.store.loadTab(ticketId)).request!.recipients;
    expect(recipients.every((r) => typeof r.sentAt === 'string')).toBe(true);
    const sentEvents = (await m.activity.listActivity(ticketId)).filter((e) => e.type === 'mail_sent');
    expect(sentEvents).toHaveLength(50);
  }, 120_000);

  it('marks the mails that left done and recorded together, a few transactions for 40 mails, not a write each', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `g${i}`);
    const { ticketId, outboxId } = await savedRequest(ids);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    const { UpdateCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const send = m.client.documents.send.bind(m.client.documents);
    const updates: string[] = [];
    let transactions = 0;
    const counting = vi.spyOn(m.client.documents, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof UpdateCommand) updates.push(command.input.UpdateExpression ?? '');
      if (command instanceof TransactWriteCommand) transactions++;
      return send(command as never);
    }) as never);
    expect(await m.mailer.deliverOutbox(outboxId)).toBe('done');
    counting.mockRestore();
    expect(sentTo()).toHaveLength(40);
    // One claim per mail, the entry's claim and its completion; no single write marks a mail done.
    expect(updates.filter((u) => u.includes('claimUntil = :until'))).toHaveLength(40);
    expect(updates.filter((u) => u.includes('doneAt'))).toEqual([expect.stringContaining('REMOVE gsi3pk')]);
    expect(transactions).toBeGreaterThanOrEqual(2); // at most 33 mails (99 writes) a transaction
    expect(transactions).toBeLessThan(40);
    const recipients = (await m.store.loadTab(ticketId)).request!.recipients;
    expect(recipients.every((r) => typeof r.sentAt === 'string')).toBe(true);
    expect((await m.activity.listActivity(ticketId)).filter((e) => e.type === 'mail_sent')).toHaveLength(40);
    // Done: a second delivery finds nothing to send.
    expect(await m.mailer.deliverOutbox(outboxId, new Date(Date.now() + 3600_000))).toBe('not-claimed');
    expect(sentTo()).toHaveLength(40);
  }, 120_000);

  it('sends nothing twice when the stream hands over the same record twice at once', async () => {
    const { outboxId } = await savedRequest(['f1', 'f2', 'f3']);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    const record = {
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: '1', NewImage: { entity: { S: 'outbox' }, id: { S: outboxId } } },
    };
    const event = {
      Records: [record, { ...record, dynamodb: { ...record.dynamodb, SequenceNumber: '2' } }],
    } as unknown as DynamoDBStreamEvent;
    expect((await m.handler.handler(event)).batchItemFailures).toEqual([]);
    expect(sentTo().sort()).toEqual(['f1@example.com', 'f2@example.com', 'f3@example.com']);
  });
});

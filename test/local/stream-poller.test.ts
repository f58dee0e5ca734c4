import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamPoller, type StreamPollerOptions, sourceOptions, startStreamPoller } from '../../local/stream-poller.js';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/signoff/stream/2026-12-01T00:00:00.000';

/** One open shard of DynamoDB Local's stream, kept in memory; iterators are positions in it. */
function fakeStream() {
  const records: SdkRecord[] = [];
  let reads = 0;
  const client = {
    async send(command: unknown) {
      if (command instanceof DescribeStreamCommand) return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (command instanceof GetShardIteratorCommand) {
        const { ShardIteratorType: type, SequenceNumber: after } = command.input;
        const at = type === 'AFTER_SEQUENCE_NUMBER' ? records.findIndex((r) => r.dynamodb?.SequenceNumber === after) + 1 : 0;
        return { ShardIterator: `at:${at}` };
      }
      if (command instanceof GetRecordsCommand) {
        reads++;
        const at = Number(command.input.ShardIterator?.slice(3));
        const page = records.slice(at, at + (command.input.Limit ?? 100));
        return { Records: page, NextShardIterator: `at:${at + page.length}` };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  const put = (id: string, extra: Record<string, unknown> = {}, pk = `OUTBOX#${id}`) => {
    const sequenceNumber = String(1000 + records.length);
    records.push({
      eventID: `event-${id}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-12-01T10:00:00.750Z'),
        Keys: { pk: { S: pk }, sk: { S: 'OUTBOX' } },
        NewImage: { pk: { S: pk }, sk: { S: 'OUTBOX' }, entity: { S: 'outbox' }, id: { S: id }, ...extra },
        SequenceNumber: sequenceNumber,
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    return sequenceNumber;
  };
  return { client: client as unknown as DynamoDBStreamsClient, put, reads: () => reads };
}

type Handler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | undefined>;

describe('the local stream poller', () => {
  const pollers: StreamPoller[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const p of pollers.splice(0)) await p.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const start = (
    stream: ReturnType<typeof fakeStream>,
    handler: Handler,
    checkpointFile?: string,
    extra: Partial<StreamPollerOptions> = {},
  ) => {
    const poller = startStreamPoller({
      streamsClient: stream.client,
      streamArn: ARN,
      handler,
      functionName: 'mailer',
      region: 'us-east-1',
      intervalMs: 5,
      maxBackoffMs: 20,
      logger: { info: () => {}, error: () => {} },
      ...(checkpointFile ? { checkpointFile } : {}),
      ...extra,
    });
    pollers.push(poller);
    return poller;
  };
  const idsOf = (event: DynamoDBStreamEvent) => event.Records.map((r) => r.dynamodb?.NewImage?.id?.S);

  it("hands each record to the handler in Lambda's DynamoDB event shape", async () => {
    const stream = fakeStream();
    stream.put('a', { body: { B: new Uint8Array([1, 2, 255]) }, tags: { M: { keep: { BS: [new Uint8Array([7])] } } } });
    const events: { event: DynamoDBStreamEvent; context: Context }[] = [];
    await start(stream, async (event, context) => {
      events.push({ event, context });
      return { batchItemFailures: [] };
    }).idle();

    expect(events).toHaveLength(1);
    expect(events[0]?.context.functionName).toBe('mailer');
    expect(events[0]?.event.Records[0]).toEqual({
      eventID: 'event-a',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: ARN,
      dynamodb: {
        // Lambda sends whole epoch seconds and binary as base64 text.
        ApproximateCreationDateTime: Math.floor(Date.parse('2026-12-01T10:00:00Z') / 1000),
        Keys: { pk: { S: 'OUTBOX#a' }, sk: { S: 'OUTBOX' } },
        NewImage: {
          pk: { S: 'OUTBOX#a' },
          sk: { S: 'OUTBOX' },
          entity: { S: 'outbox' },
          id: { S: 'a' },
          body: { B: Buffer.from([1, 2, 255]).toString('base64') },
          tags: { M: { keep: { BS: [Buffer.from([7]).toString('base64')] } } },
        },
        SequenceNumber: '1000',
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('is idle only once the records written before the call have been handled', async () => {
    const stream = fakeStream();
    const handled: (string | undefined)[] = [];
    const poller = start(stream, async (event) => {
      handled.push(...idsOf(event));
      return undefined;
    });
    await poller.idle();
    stream.put('a');
    stream.put('b');
    await poller.idle();
    expect(handled).toEqual(['a', 'b']);
  });

  it('keeps its place in a checkpoint file, so a restart goes on after the last handled record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-poller-'));
    dirs.push(dir);
    const file = join(dir, 'checkpoints.json');
    const stream = fakeStream();
    const handled: (string | undefined)[] = [];
    const handler: Handler = async (event) => {
      handled.push(...idsOf(event));
      return undefined;
    };
    stream.put('a');
    const last = stream.put('b');
    const first = start(stream, handler, file);
    await first.idle();
    await first.stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ streamArn: ARN, shards: { 'shard-1': { sequenceNumber: last } } });

    stream.put('c');
    await start(stream, handler, file).idle();
    expect(handled).toEqual(['a', 'b', 'c']);
  });

  it('hands the batch again from the first failed record, as ReportBatchItemFailures does, and nothing before it', async () => {
    const stream = fakeStream();
    stream.put('a');
    const failing = stream.put('b');
    stream.put('c');
    const batches: (string | undefined)[][] = [];
    await start(stream, async (event) => {
      batches.push(idsOf(event));
      return { batchItemFailures: batches.length === 1 ? [{ itemIdentifier: failing }] : [] };
    }).idle();
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('hands the whole batch again when the handler throws', async () => {
    const stream = fakeStream();
    stream.put('a');
    stream.put('b');
    const batches: (string | undefined)[][] = [];
    await start(stream, async (event) => {
      batches.push(idsOf(event));
      if (batches.length === 1) throw new Error('SES is down');
      return undefined;
    }).idle();
    expect(batches).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it("hands over only what the event source's filter lets through, batchSize of those at a time, and moves past the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-poller-'));
    dirs.push(dir);
    const file = join(dir, 'checkpoints.json');
    const stream = fakeStream();
    for (const id of ['a', 'x1', 'b', 'x2', 'x3', 'c']) stream.put(id, id.startsWith('x') ? { entity: { S: 'activity' } } : {});
    const last = stream.put('x4', { entity: { S: 'activity' } });
    const batches: (string | undefined)[][] = [];
    const source = { entity: 'outbox', batchSize: 2, windowSeconds: 0, parallelization: 1 } as const;
    const poller = start(
      stream,
      async (event) => {
        batches.push(idsOf(event));
        return undefined;
      },
      file,
      sourceOptions(source),
    );
    await poller.idle();
    await poller.stop();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    // The records filtered out after the last batch count as handled too.
    expect(JSON.parse(readFileSync(file, 'utf8')).shards['shard-1']).toEqual({ sequenceNumber: last });
  });

  it('handles batches of a page in parallel (ParallelizationFactor), and after a failure goes on from the first unhandled record', async () => {
    const stream = fakeStream();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const sequence = Object.fromEntries(ids.map((id) => [id, stream.put(id)]));
    const batches: (string | undefined)[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const poller = start(
      stream,
      async (event) => {
        const batch = idsOf(event);
        batches.push(batch);
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        // The first time round, the middle batch fails at its second record.
        return { batchItemFailures: batches.length <= 3 && batch[0] === 'c' ? [{ itemIdentifier: sequence.d as string }] : [] };
      },
      undefined,
      { batchSize: 2, parallelization: 3 },
    );
    await poller.idle();
    expect(mostInFlight).toBe(3);
    // Handled at once: [a b], [c d] (d failed), [e f]; then again from d on: [d e], [f].
    expect(batches.slice(0, 3).sort()).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect(batches.slice(3)).toEqual([['d', 'e'], ['f']]);
  });

  it('reads on while a batch is handled, so the next batch is full even when a page is smaller than a batch', async () => {
    const stream = fakeStream();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) stream.put(id);
    const batches: (string | undefined)[][] = [];
    const poller = start(
      stream,
      async (event) => {
        batches.push(idsOf(event));
        // The first batch lasts until the poller has read the two pages after it.
        while (batches.length === 1 && stream.reads() < 3) await new Promise((resolve) => setTimeout(resolve, 2));
        return undefined;
      },
      undefined,
      { batchSize: 3, pageSize: 2 },
    );
    await poller.idle();
    // Page by page it would be [a b], [c d], [e f].
    expect(batches).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
  });

  it("hands a partition key's records over in order, one batch at a time, while other keys' batches run at once", async () => {
    const stream = fakeStream();
    stream.put('a', {}, 'TICKET#1');
    stream.put('b', {}, 'TICKET#1');
    stream.put('c', {}, 'TICKET#2');
    const log: string[] = [];
    const poller = start(
      stream,
      async (event) => {
        const [id] = idsOf(event);
        log.push(`start ${id}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push(`end ${id}`);
        return undefined;
      },
      undefined,
      { batchSize: 1, parallelization: 3 },
    );
    await poller.idle();
    // c runs alongside a; b waits for a, though a slot was free.
    expect(log.slice(0, 2).sort()).toEqual(['start a', 'start c']);
    expect(log.indexOf('start b')).toBeGreaterThan(log.indexOf('end a'));
    expect(log.filter((line) => line.startsWith('start'))).toHaveLength(3);
  });

  it('fails a batch whose record it cannot convert like a handler failure: retried from the checkpoint, the records after it held back', async () => {
    const stream = fakeStream();
    stream.put('a', { odd: { Z: 'no such attribute type' } });
    stream.put('b');
    const handled: (string | undefined)[] = [];
    const errors: string[] = [];
    const poller = start(
      stream,
      async (event) => {
        handled.push(...idsOf(event));
        return undefined;
      },
      undefined,
      { logger: { info: () => {}, error: (message) => errors.push(message) } },
    );
    // Each failure is logged; a second one means it was read again and retried, not dropped.
    while (errors.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await poller.stop();
    expect(errors[0]).toContain('handler threw on a batch of 2');
    expect(handled).toEqual([]);
  });

  it('rejects idle() once stopped', async () => {
    const poller = start(fakeStream(), async () => undefined);
    await poller.stop();
    await expect(poller.idle()).rejects.toThrow('stopped');
  });
});

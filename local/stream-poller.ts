import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type _Record as SdkRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesSource, type StreamSource } from '../functions/shared/stream-sources.js';
import { createLambdaContext } from './lambda-context.js';
import { type CheckpointStore, createCheckpointStore } from './stream-checkpoints.js';
import { toLambdaRecord } from './stream-records.js';

// biome-ignore lint/suspicious/noConfusingVoidType: the same return type as aws-lambda's DynamoDBStreamHandler
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  streamsClient: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  /** Where handled positions are kept across restarts; without it, a restart replays the stream. */
  checkpointFile?: string;
  intervalMs?: number;
  /** Records per handler call at most (of those the filter lets through): the event source's BatchSize. */
  batchSize?: number;
  /**
   * The event source's filter criteria: records it rejects never reach the handler (nor count
   * against batchSize), and count as handled.
   */
  filter?: (record: SdkRecord) => boolean;
  /**
   * Batches handled at once (ParallelizationFactor), records of one partition key in order; the
   * checkpoint stays at the first unhandled record.
   */
  parallelization?: number;
  /** The table's partition key attribute: records of one key are handled in order (ParallelizationFactor). */
  partitionKey?: string;
  /** Records read per GetRecords call (at most 1,000, the API's limit). */
  pageSize?: number;
  maxBackoffMs?: number;
  functionName?: string;
  /** `awsRegion` of the records; defaults to what DynamoDB Local reports. */
  region?: string;
  logger?: { info(message: string): void; error(message: string, error?: unknown): void };
}

/** A job's event source (functions/shared/stream-sources.ts, as lib/jobs.ts maps it in AWS), as poller options. */
export const sourceOptions = (source: StreamSource): Pick<StreamPollerOptions, 'filter' | 'batchSize' | 'parallelization'> => ({
  filter: matchesSource(source),
  batchSize: source.batchSize,
  parallelization: source.parallelization,
});

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves after a poll round that started after this call found no new record on any shard. */
  idle(): Promise<void>;
}

/** A record read from a shard and not yet behind its checkpoint. */
interface Pending {
  record: SdkRecord;
  /** Handled, or filtered out (which counts as handled). */
  done: boolean;
}

interface Shard {
  id: string;
  parentId?: string;
  iterator?: string;
  finished: boolean;
  failures: number;
  retryAt: number;
  /** What was read and is not yet behind the checkpoint, in stream order. */
  window: Pending[];
  /** The matched records not yet handed to the handler, in stream order. */
  queue: Pending[];
  /** The batches being handled. */
  inFlight: Set<Promise<void>>;
  /** Partition keys in flight, with their count: a key's records go one batch after another, in order. */
  busyKeys: Map<string, number>;
  /** Read to its end (no next iterator): finished once all of it is handled. */
  exhausted: boolean;
  /** A batch failed: no new batch starts, and once those in flight end, reading starts again at the checkpoint. */
  failure?: { reason: string; error?: unknown };
  /** Bumped when reading starts again at the checkpoint: a page read before that is dropped. */
  epoch: number;
}

/** Records read and not yet behind the checkpoint, per shard at most (a batch that takes long holds the checkpoint). */
const WINDOW_LIMIT = 20_000;

/** How often the shards are listed again while no one waits for idle. */
const SHARD_LIST_MS = 1000;

const seq = (record: SdkRecord) => record.dynamodb?.SequenceNumber ?? '';

/**
 * Lambda's ReportBatchItemFailures: the batch counts as handled up to the lowest failed sequence
 * number; an identifier that is missing or not in the batch fails the whole batch.
 */
const handledCount = (records: SdkRecord[], response: unknown): number => {
  const failures = (response as Partial<DynamoDBBatchResponse> | undefined)?.batchItemFailures ?? [];
  if (failures.length === 0) return records.length;
  const positions = failures.map((f) => (f.itemIdentifier ? records.findIndex((r) => seq(r) === f.itemIdentifier) : -1));
  return positions.includes(-1) ? 0 : Math.min(...positions);
};

export const startStreamPoller = (options: StreamPollerOptions): StreamPoller => {
  const { streamsClient: client, streamArn, intervalMs = 250, batchSize = 100, maxBackoffMs = 10_000 } = options;
  const { filter = () => true, parallelization = 1, pageSize = 1000, partitionKey = 'pk' } = options;
  /** Matched records read ahead at most: enough to start full batches in every slot twice over. */
  const readAhead = batchSize * parallelization * 2;
  const logger = options.logger ?? { info: console.log, error: console.error };
  const checkpoints: CheckpointStore = createCheckpointStore(streamArn, options.checkpointFile);
  const shards = new Map<string, Shard>();
  let stopping = false;
  let wake: (() => void) | undefined;
  let round = 0;
  const idleWaiters: { afterRound: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  /** When the shards were last listed; false while a shard ended or vanished since. */
  let listedAt = Number.NEGATIVE_INFINITY;
  const refreshShards = async () => {
    listedAt = Date.now();
    const seen = new Set<string>();
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription: description } = await client.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }),
      );
      for (const { ShardId: id, ParentShardId: parentId } of description?.Shards ?? []) {
        if (!id) continue;
        seen.add(id);
        if (!shards.has(id)) {
          const finished = checkpoints.get(id).finished ?? false;
          shards.set(id, {
            id,
            parentId,
            finished,
            failures: 0,
            retryAt: 0,
            window: [],
            queue: [],
            inFlight: new Set(),
            busyKeys: new Map(),
            exhausted: false,
            epoch: 0,
          });
        }
      }
      ExclusiveStartShardId = description?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    // A shard no longer listed is dropped once its batches in flight have ended (stop waits for them).
    for (const [id, shard] of shards) if (!seen.has(id) && shard.inFlight.size === 0) shards.delete(id);
    checkpoints.retain(seen);
  };

  const openIterator = async (shard: Shard): Promise<string | undefined> => {
    // After the last record read (an expired iterator), or else after the last one handled.
    const lastRead = shard.window.at(-1)?.record;
    const after = lastRead ? seq(lastRead) : checkpoints.get(shard.id).sequenceNumber;
    const request = after
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: after }
      : { ShardIteratorType: 'TRIM_HORIZON' as const };
    try {
      return (await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.id, ...request }))).ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      logger.error(`stream shard ${shard.id}: records after ${after} were trimmed; reading from the oldest record`);
      return (
        await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.id, ShardIteratorType: 'TRIM_HORIZON' }))
      ).ShardIterator;
    }
  };

  const markFinished = (shard: Shard) => {
    shard.finished = true;
    listedAt = Number.NEGATIVE_INFINITY; // its children may be listed now
    checkpoints.set(shard.id, { ...checkpoints.get(shard.id), finished: true });
  };

  const fail = (shard: Shard, reason: string, error?: unknown) => {
    shard.failures += 1;
    const delay = Math.min(maxBackoffMs, intervalMs * 2 ** (shard.failures - 1));
    shard.retryAt = Date.now() + delay;
    shard.iterator = undefined;
    logger.error(`stream shard ${shard.id}: ${reason}; retrying in ${delay} ms`, error);
  };

  const keyOf = (record: SdkRecord): string => {
    const key = record.dynamodb?.Keys?.[partitionKey];
    return key ? JSON.stringify(key) : (record.eventID ?? seq(record));
  };

  /** Moves the checkpoint past the handled records at the front of the window. */
  const advance = (shard: Shard) => {
    let handled = 0;
    while (shard.window[handled]?.done) handled++;
    if (handled === 0) return;
    const last = shard.window[handled - 1] as Pending;
    shard.window.splice(0, handled);
    checkpoints.set(shard.id, { sequenceNumber: seq(last.record) });
  };

  /**
   * Up to batchSize queued records, in stream order, leaving out every record of a partition key
   * that is in flight (or was left out before it): as Lambda with a ParallelizationFactor, a key's
   * records are handled in order, one batch at a time.
   */
  const takeBatch = (shard: Shard): Pending[] => {
    const batch: Pending[] = [];
    const leftOut = new Set<string>();
    for (let i = 0; i < shard.queue.length && batch.length < batchSize; ) {
      const pending = shard.queue[i] as Pending;
      const key = keyOf(pending.record);
      if (shard.busyKeys.has(key) || leftOut.has(key)) {
        leftOut.add(key);
        i++;
        continue;
      }
      shard.queue.splice(i, 1);
      batch.push(pending);
    }
    return batch;
  };

  /** After a failure, once nothing is in flight: read again from the checkpoint, after a pause. */
  const rewind = (shard: Shard) => {
    const { reason, error } = shard.failure ?? { reason: 'a batch was not handled' };
    shard.failure = undefined;
    shard.window = [];
    shard.queue = [];
    shard.exhausted = false;
    shard.epoch++;
    fail(shard, reason, error);
  };

  /** Starts batches while a slot is free: `parallelization` at once, each as soon as the one before it ends. */
  const dispatch = (shard: Shard) => {
    while (!stopping && !shard.failure && shard.inFlight.size < parallelization && shard.queue.length > 0) {
      const batch = takeBatch(shard);
      if (batch.length === 0) return;
      run(shard, batch);
    }
  };

  const run = (shard: Shard, batch: Pending[]) => {
    const records = batch.map((p) => p.record);
    const keys = records.map(keyOf);
    for (const key of keys) shard.busyKeys.set(key, (shard.busyKeys.get(key) ?? 0) + 1);
    const task: Promise<void> = (async () => {
      let count: number;
      try {
        // Built in here: a record that cannot be converted fails its batch like a handler would.
        const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, streamArn, options.region)) };
        const context = createLambdaContext({ functionName: options.functionName ?? 'stream-handler', timeoutMs: 900_000 });
        count = handledCount(records, await options.handler(event, context));
        if (count < records.length)
          shard.failure ??= { reason: `handler reported a failure at sequence number ${seq(records[count] as SdkRecord)}` };
      } catch (error) {
        count = 0;
        shard.failure ??= { reason: `handler threw on a batch of ${records.length}`, error };
      }
      for (const pending of batch.slice(0, count)) pending.done = true;
      if (count === records.length && !shard.failure) shard.failures = 0;
    })().finally(() => {
      for (const key of keys) {
        const left = (shard.busyKeys.get(key) ?? 1) - 1;
        if (left > 0) shard.busyKeys.set(key, left);
        else shard.busyKeys.delete(key);
      }
      shard.inFlight.delete(task);
      advance(shard);
      if (shard.failure && shard.inFlight.size === 0) rewind(shard);
      else dispatch(shard);
      wake?.();
    });
    shard.inFlight.add(task);
  };

  /**
   * Reads one page (while fewer than `readAhead` matched records wait) and starts what batches it
   * can; returns how many records it read. Reading goes on while batches are handled, so a slot
   * that frees up starts the next batch at once, full when records are waiting.
   */
  const pollShard = async (shard: Shard): Promise<number> => {
    let read = 0;
    if (!shard.failure && !shard.exhausted && shard.queue.length < readAhead && shard.window.length < WINDOW_LIMIT) {
      const epoch = shard.epoch;
      const iterator = shard.iterator ?? (await openIterator(shard));
      if (epoch !== shard.epoch) return 0;
      shard.iterator = iterator;
      if (!iterator) return 0;
      let page: { Records?: SdkRecord[]; NextShardIterator?: string };
      try {
        page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: pageSize }));
      } catch (error) {
        if (epoch !== shard.epoch) return 0;
        // Iterators expire after 15 minutes; a fresh one starts after the last record read.
        if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
        shard.iterator = undefined;
        return 0;
      }
      // Reading started again at the checkpoint meanwhile: this page is read again from there.
      if (epoch !== shard.epoch) return 0;
      for (const record of page.Records ?? []) {
        const pending: Pending = { record, done: !filter(record) };
        shard.window.push(pending);
        if (!pending.done) shard.queue.push(pending);
      }
      read = page.Records?.length ?? 0;
      // A page handled whole (nothing in it for this job): the shard reads fine again.
      if (shard.queue.length === 0 && shard.inFlight.size === 0) shard.failures = 0;
      shard.iterator = page.NextShardIterator;
      // No next iterator: the shard is closed and read to its end.
      if (!shard.iterator) shard.exhausted = true;
      advance(shard);
    }
    dispatch(shard);
    if (shard.exhausted && shard.window.length === 0 && shard.inFlight.size === 0) markFinished(shard);
    return read;
  };

  /** One pass over the shards; `caughtUp` when none had new records or pending retries. */
  const pollRound = async (): Promise<{ caughtUp: boolean; read: number }> => {
    // DescribeStream each second while records flow, and in every round someone waits for idle
    // (so a round that reports idle has seen every shard there is).
    if (idleWaiters.length > 0 || Date.now() - listedAt >= SHARD_LIST_MS) await refreshShards();
    let caughtUp = true;
    let read = 0;
    for (const shard of shards.values()) {
      if (stopping) break;
      if (shard.finished) continue;
      // Like Lambda, a child shard waits until its parent has been read to the end.
      const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
      if ((parent && !parent.finished) || Date.now() < shard.retryAt) {
        caughtUp = false;
        continue;
      }
      try {
        const count = await pollShard(shard);
        read += count;
        caughtUp &&= count === 0 && shard.failures === 0 && shard.queue.length === 0 && shard.inFlight.size === 0;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) {
          // Gone (trimmed): dropped once its batches in flight have ended, which stop waits for.
          if (shard.inFlight.size === 0) shards.delete(shard.id);
          listedAt = Number.NEGATIVE_INFINITY;
        } else fail(shard, 'reading the stream failed', error);
        caughtUp = false;
      }
    }
    return { caughtUp, read };
  };

  const settleIdleWaiters = (completedRound: number, error?: Error) => {
    for (const waiter of idleWaiters.filter((w) => error || w.afterRound < completedRound)) {
      idleWaiters.splice(idleWaiters.indexOf(waiter), 1);
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  };

  const loop = async () => {
    while (!stopping) {
      const current = ++round;
      let outcome = { caughtUp: false, read: 0 };
      try {
        outcome = await pollRound();
      } catch (error) {
        logger.error('polling the stream failed', error);
      }
      if (outcome.caughtUp && !stopping) settleIdleWaiters(current);
      if (stopping) break;
      // Keep reading at once while records flow; otherwise poll like Lambda, a few times a second.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, outcome.read > 0 ? 0 : intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // The batches in flight end (the jobs stop taking new work on a stop), and their positions are kept.
    for (const shard of shards.values()) while (shard.inFlight.size > 0) await Promise.allSettled([...shard.inFlight]);
    checkpoints.flush();
    settleIdleWaiters(round, new Error('the stream poller was stopped'));
  };
  const running = loop();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
    idle: () =>
      stopping
        ? Promise.reject(new Error('the stream poller was stopped'))
        : new Promise<void>((resolve, reject) => idleWaiters.push({ afterRound: round, resolve, reject })),
  };
};

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
  /** Batches of one page handled at once (ParallelizationFactor); the checkpoint stays at the first unhandled record. */
  parallelization?: number;
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

interface Shard {
  id: string;
  parentId?: string;
  iterator?: string;
  finished: boolean;
  failures: number;
  retryAt: number;
}

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
  const { filter = () => true, parallelization = 1, pageSize = 1000 } = options;
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
          shards.set(id, { id, parentId, finished, failures: 0, retryAt: 0 });
        }
      }
      ExclusiveStartShardId = description?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    for (const id of shards.keys()) if (!seen.has(id)) shards.delete(id);
    checkpoints.retain(seen);
  };

  const openIterator = async (shard: Shard): Promise<string | undefined> => {
    const after = checkpoints.get(shard.id).sequenceNumber;
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

  /**
   * Hands `records` (matched, in stream order) to the handler in batches of at most batchSize,
   * `parallelization` at once; returns the position (in `records`) of the first record not
   * handled (records.length when all were), and why not.
   */
  const handle = async (records: SdkRecord[]): Promise<{ handled: number; reason?: string; error?: unknown }> => {
    const batches: { start: number; records: SdkRecord[] }[] = [];
    for (let start = 0; start < records.length; start += batchSize)
      batches.push({ start, records: records.slice(start, start + batchSize) });
    let handled = records.length;
    let reason: string | undefined;
    let failure: unknown;
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as (typeof batches)[number];
        // A batch after a failed one is not handed over: it would be read again from the checkpoint.
        if (batch.start >= handled) continue;
        const event: DynamoDBStreamEvent = { Records: batch.records.map((r) => toLambdaRecord(r, streamArn, options.region)) };
        const context = createLambdaContext({ functionName: options.functionName ?? 'stream-handler', timeoutMs: 900_000 });
        let count: number;
        let why: string | undefined;
        let error: unknown;
        try {
          count = handledCount(batch.records, await options.handler(event, context));
          if (count < batch.records.length) why = `handler reported a failure at sequence number ${seq(batch.records[count] as SdkRecord)}`;
        } catch (thrown) {
          count = 0;
          why = `handler threw on a batch of ${batch.records.length}`;
          error = thrown;
        }
        if (why && batch.start + count < handled) {
          handled = batch.start + count;
          reason = why;
          failure = error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, parallelization), batches.length) }, worker));
    return { handled, ...(reason ? { reason, error: failure } : {}) };
  };

  /** Reads one page and handles its records; returns how many records it read. */
  const pollShard = async (shard: Shard): Promise<number> => {
    shard.iterator ??= await openIterator(shard);
    if (!shard.iterator) return 0;
    let page: { Records?: SdkRecord[]; NextShardIterator?: string };
    try {
      page = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: pageSize }));
    } catch (error) {
      // Iterators expire after 15 minutes; a fresh one starts from the checkpoint again.
      if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
      shard.iterator = undefined;
      return 0;
    }
    const records = page.Records ?? [];
    if (records.length > 0) {
      const matched = records.filter(filter);
      const { handled, reason, error } = await handle(matched);
      // Handled up to the first unhandled record; the filtered-out records before it count as handled.
      const firstUnhandled = handled < matched.length ? records.indexOf(matched[handled] as SdkRecord) : records.length;
      const last = records[firstUnhandled - 1];
      if (last) checkpoints.set(shard.id, { sequenceNumber: seq(last) });
      if (firstUnhandled < records.length) {
        fail(shard, reason ?? 'a batch was not handled', error);
        return records.length;
      }
      shard.failures = 0;
    }
    shard.iterator = page.NextShardIterator;
    // No next iterator: the shard is closed and read to its end.
    if (!shard.iterator) markFinished(shard);
    return records.length;
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
        caughtUp &&= count === 0 && shard.failures === 0;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) {
          shards.delete(shard.id);
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

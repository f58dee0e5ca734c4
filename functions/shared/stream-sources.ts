/**
 * How each stream-fed job is fed: the table's stream inserts of one item kind, so many at a time.
 * One definition for both places that feed them: lib/jobs.ts (Lambda's event source mapping) and
 * local/stack.ts (the local stream poller), so the local stack batches as AWS does.
 */
export interface StreamSource {
  /** The `entity` of the inserted items the job gets; every other record is filtered out before it. */
  entity: 'outbox' | 'event' | 'receipt';
  /** Records (of that kind) per invocation at most. */
  batchSize: number;
  /** How long Lambda may gather records before it invokes (0: as soon as it has some). */
  windowSeconds: number;
  /**
   * Batches of one shard handled at once (Lambda's ParallelizationFactor, 1–10). Records of one
   * partition key still go in order, one batch at a time; across keys, order is not kept.
   */
  parallelization: number;
}

export const STREAM_SOURCES = {
  // A request's mail goes out as soon as the outbox entry is read (no batching window: its latency
  // is what a technician waits for); under load the batches fill by themselves. Parallel batches
  // per shard let every mailer instance the reserved concurrency allows send (each paces to its
  // part of the SES rate: config.mailSenders), instead of one per shard.
  mailer: { entity: 'outbox', batchSize: 50, windowSeconds: 0, parallelization: 5 },
  // A batch's tickets go out at once (DISPATCH_CONCURRENCY in services/dispatch-batch.ts, equal
  // to the batch size), each ticket's events in order. Three batches per shard at once: a batch
  // lasts as long as its slowest receiver (up to the 10 s timeout), and one at a time held up
  // every other ticket's events behind it (the benchmark's keep-up fell to 0.82×). A ticket's
  // `sequence` follows the order its changes committed, whichever batch numbers it
  // (event-outbox.ts, assignSequences), so concurrent batches cannot misnumber; they can deliver a
  // ticket's events out of order, as retries and separate shards always could: receivers order
  // by `sequence`, as the contract says.
  dispatcher: { entity: 'event', batchSize: 50, windowSeconds: 0, parallelization: 3 },
  receipts: { entity: 'receipt', batchSize: 10, windowSeconds: 0, parallelization: 1 },
} as const satisfies Record<string, StreamSource>;

/** The stream record shape both Lambda's event and the Streams API share, as far as the filter reads it. */
interface FilterableRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, { S?: string } | undefined> };
}

/** Lambda's filter criteria of a source (lib/jobs.ts), as a predicate for the local poller. */
export const matchesSource =
  (source: Pick<StreamSource, 'entity'>) =>
  (record: FilterableRecord): boolean =>
    record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === source.entity;

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Per shard: the last sequence number handled, and whether a closed shard was read to its end. */
export interface ShardCheckpoint {
  sequenceNumber?: string;
  finished?: boolean;
}

interface CheckpointFile {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

/**
 * How long a handled position may wait before it is written: while records flow, the file is
 * written a few times a second, not once a page (a synchronous write on the event loop the API
 * shares). A crash loses at most this much of the positions, and those records are handed over
 * again, as Lambda hands a batch again (the jobs are idempotent); a stop writes at once (flush).
 */
const WRITE_DELAY_MS = 200;

export const createCheckpointStore = (streamArn: string, file: string | undefined) => {
  let shards: Record<string, ShardCheckpoint> = {};
  let timer: NodeJS.Timeout | undefined;
  if (file) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as CheckpointFile;
      // A new table (e.g. DynamoDB Local in memory) has a new stream ARN; old positions mean nothing.
      if (saved.streamArn === streamArn) shards = saved.shards;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!file) return;
    // Write then rename, so a crash mid-write never leaves a torn file behind.
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ streamArn, shards } satisfies CheckpointFile, null, 2)}\n`);
    renameSync(temporary, file);
  };
  return {
    get: (shardId: string): ShardCheckpoint => shards[shardId] ?? {},
    set(shardId: string, checkpoint: ShardCheckpoint) {
      shards[shardId] = checkpoint;
      if (file && !timer) timer = setTimeout(write, WRITE_DELAY_MS);
    },
    /** Writes what is not written yet (the poller's stop). */
    flush() {
      if (timer) write();
    },
    /** Drops shards that DynamoDB no longer lists (trimmed after 24 h). */
    retain(shardIds: ReadonlySet<string>) {
      shards = Object.fromEntries(Object.entries(shards).filter(([id]) => shardIds.has(id)));
    },
  };
};

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;

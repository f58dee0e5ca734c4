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

export const createCheckpointStore = (streamArn: string, file: string | undefined) => {
  let shards: Record<string, ShardCheckpoint> = {};
  if (file) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as CheckpointFile;
      // A new table (e.g. DynamoDB Local in memory) has a new stream ARN; old positions mean nothing.
      if (saved.streamArn === streamArn) shards = saved.shards;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return {
    get: (shardId: string): ShardCheckpoint => shards[shardId] ?? {},
    set(shardId: string, checkpoint: ShardCheckpoint) {
      shards[shardId] = checkpoint;
      if (!file) return;
      // Write then rename, so a crash mid-write never leaves a torn file behind.
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify({ streamArn, shards } satisfies CheckpointFile, null, 2)}\n`);
      renameSync(temporary, file);
    },
    /** Drops shards that DynamoDB no longer lists (trimmed after 24 h). */
    retain(shardIds: ReadonlySet<string>) {
      shards = Object.fromEntries(Object.entries(shards).filter(([id]) => shardIds.has(id)));
    },
  };
};

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;

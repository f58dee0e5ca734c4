import { type MigrationTarget, shardLegacyIndexKeys } from './shard-legacy-index-keys.js';

export type { MigrationTarget } from './shard-legacy-index-keys.js';

/**
 * Rewrites of items a release left in a shape the code no longer reads, in the order they came.
 * Each is idempotent, paged and conditional, so running them again (every `npm start` does; in
 * AWS, tools/migrate-table.ts) costs a few empty Queries and changes nothing. A migration stays
 * here for as long as a table written by the release before it may still be upgraded.
 */
export const ITEM_MIGRATIONS = [
  {
    name: 'shard-legacy-index-keys',
    about: 'items on the due and status index partitions from before sharding (DUE, REMIND, STATUS#<status>) onto their shards',
    run: shardLegacyIndexKeys,
  },
] as const;

/** Runs every item migration on the table, one after the other; `log` hears what each moved. */
export async function migrateItems(target: MigrationTarget, log: (line: string) => void = () => {}): Promise<void> {
  for (const migration of ITEM_MIGRATIONS) {
    await migration.run(target, (line) => log(`${migration.name}: ${line}`));
  }
}

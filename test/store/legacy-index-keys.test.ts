import { describe, expect, it } from 'vitest';
import { indexKeys, legacyIndexKeys, SHARDS } from '../../functions/store/keys.js';

describe('the index partitions from before sharding (read by the migration only)', () => {
  it('are not among the partitions the sweep and the status list read', () => {
    expect(indexKeys.duePks()).toHaveLength(SHARDS.due);
    for (const pk of legacyIndexKeys.duePks) expect(indexKeys.duePks()).not.toContain(pk);
    expect(indexKeys.ticketStatusPks('pending')).toHaveLength(SHARDS.status);
    expect(indexKeys.ticketStatusPks('pending')).not.toContain(legacyIndexKeys.ticketStatusPk('pending'));
  });

  it('give an item the shard key a save would give it, with the same sort key', () => {
    const at = '2026-03-01T09:00:00.000Z';
    const requestId = '01HZX3V4Q8N5M2K7J9T6R1P0AB.VC0x';
    expect(legacyIndexKeys.dueOnShard(`${at}#${requestId}`)).toEqual(indexKeys.due(at, requestId));
    expect(legacyIndexKeys.dueOnShard(`${at}#${requestId}`)?.gsi3sk).toBe(`${at}#${requestId}`);
    expect(legacyIndexKeys.statusOnShard('declined', `${at}#T-42`)).toEqual(indexKeys.ticketStatus('declined', at, 'T-42'));
  });

  it('leave a sort key of another shape alone', () => {
    for (const odd of ['', 'no-separator', '#id-only', '2026-03-01T09:00:00.000Z#']) {
      expect(legacyIndexKeys.dueOnShard(odd)).toBeNull();
      expect(legacyIndexKeys.statusOnShard('pending', odd)).toBeNull();
    }
  });
});

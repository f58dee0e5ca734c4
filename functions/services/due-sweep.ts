import { logger } from '../logger.js';
import { type DueWork, listDue } from '../store/due-work.js';
import { eachWithConcurrency } from './concurrency.js';

/** What to do with one piece of due work of a kind (by the item's `entity`). */
export type DueHandlers = Record<string, (id: string, now: Date) => Promise<void>>;

export interface SweepOptions {
  /** Pieces of work in flight at once. */
  concurrency?: number;
  /** Stop starting new batches after this long (the Lambda's timeout leaves room to finish). */
  budgetMs?: number;
}

/**
 * Works through everything due by `now` on every shard, in parallel batches, until nothing new
 * is due (or the time budget is spent; the next sweep goes on). Work that fails stays due (its
 * own backoff moves it later) and is not taken twice in one sweep; one failure never stops the rest.
 */
export async function drainDue(now: Date, handlers: DueHandlers, options: SweepOptions = {}): Promise<Record<string, number>> {
  const { concurrency = 16, budgetMs = 45_000 } = options;
  const started = Date.now();
  const seen = new Set<string>();
  const done: Record<string, number> = { failed: 0 };
  for (;;) {
    const batch = (await listDue(now)).filter((w) => handlers[w.entity] && !seen.has(`${w.entity}#${w.id}`));
    if (batch.length === 0) break;
    for (const w of batch) seen.add(`${w.entity}#${w.id}`);
    await eachWithConcurrency(batch, concurrency, async (work: DueWork) => {
      try {
        await handlers[work.entity]!(work.id, now);
        done[work.entity] = (done[work.entity] ?? 0) + 1;
      } catch (error) {
        done.failed = (done.failed ?? 0) + 1;
        logger.error('due work failed; it stays due', { entity: work.entity, id: work.id, error: (error as Error).message });
      }
    });
    if (Date.now() - started > budgetMs) break;
  }
  return done;
}

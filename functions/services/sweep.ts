import { logger } from '../logger.js';
import { startDueDelegation } from './delegation.js';
import { drainDue } from './due-sweep.js';
import { deliverOutbox } from './mailer.js';
import { actOnDueRequest } from './reminders.js';

export interface SweepOutcome {
  reminded: number;
  deadlines: number;
  delivered: number;
  retryLater: number;
}

/**
 * The scheduled sweep: works through everything due on every shard of the due index, in parallel
 * batches, until nothing is left or the time budget is spent: deadlines that have passed (decline,
 * cancel or escalate), automatic reminders (their mail goes
 * through the outbox like any other) and outbox entries due again after a failed send (or that the
 * stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export async function sweep(now = new Date(), budgetMs = 45_000, deadline?: number): Promise<SweepOutcome> {
  let reminded = 0;
  let deadlines = 0;
  let delivered = 0;
  let retryLater = 0;
  const done = await drainDue(
    now,
    {
      request: async (id) => {
        const one = await actOnDueRequest(id, now);
        reminded += one.reminded;
        deadlines += one.deadlines;
      },
      // A delegation set ahead of time: at `from` the open requests go to the substitute.
      delegation: async (id) => {
        await startDueDelegation(id, now);
      },
      outbox: async (id) => {
        // `deadline`: the function's end; mail that could not go before it stays due for the next run.
        const outcome = await deliverOutbox(id, new Date(), deadline === undefined ? {} : { deadline });
        if (outcome === 'done') delivered++;
        if (outcome === 'retry-later') retryLater++;
      },
    },
    { budgetMs },
  );
  if (Object.values(done).some((n) => n > 0))
    logger.info('sweep finished', { reminded, deadlines, delivered, retryLater, failed: done.failed });
  return { reminded, deadlines, delivered, retryLater };
}

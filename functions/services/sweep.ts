import { logger } from '../logger.js';
import { drainDue } from './due-sweep.js';
import { deliverOutbox } from './mailer.js';
import { sendDueReminder } from './reminders.js';

export interface SweepOutcome {
  reminded: number;
  delivered: number;
  retryLater: number;
}

/**
 * The scheduled sweep: works through everything due on every shard of the due index, in parallel
 * batches, until nothing is left or the time budget is spent: automatic reminders (their mail goes
 * through the outbox like any other) and outbox entries due again after a failed send (or that the
 * stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export async function sweep(now = new Date(), budgetMs = 45_000): Promise<SweepOutcome> {
  let reminded = 0;
  let delivered = 0;
  let retryLater = 0;
  const done = await drainDue(
    now,
    {
      request: async (id) => {
        reminded += await sendDueReminder(id, now);
      },
      outbox: async (id) => {
        const outcome = await deliverOutbox(id);
        if (outcome === 'done') delivered++;
        if (outcome === 'retry-later') retryLater++;
      },
    },
    { budgetMs },
  );
  if (Object.values(done).some((n) => n > 0)) logger.info('sweep finished', { reminded, delivered, retryLater, failed: done.failed });
  return { reminded, delivered, retryLater };
}

import type { Context } from 'aws-lambda';
import { logger } from '../../logger.js';
import { drainDue } from '../../services/due-sweep.js';
import { deliverOutbox } from '../../services/mailer.js';
import { actOnDueRequest } from '../../services/reminders.js';

/**
 * Runs on a schedule: works through everything due on every shard of the due index, in parallel
 * batches, until nothing is left: deadlines that have passed (decline, cancel or escalate),
 * automatic reminders (their mail goes through the outbox like any other) and outbox entries
 * due again after a failed send (or that the stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export const handler = async (_event?: unknown, context?: Partial<Pick<Context, 'getRemainingTimeInMillis'>>) => {
  let reminded = 0;
  let deadlines = 0;
  const outcomes = { delivered: 0, retryLater: 0 };
  const now = new Date();
  // Leave 15 s of the function's timeout to finish the last batch; the next run goes on.
  const remaining = context?.getRemainingTimeInMillis?.();
  const budgetMs = remaining === undefined ? 45_000 : Math.max(5_000, remaining - 15_000);
  const done = await drainDue(
    now,
    {
      request: async (id) => {
        const one = await actOnDueRequest(id, now);
        reminded += one.reminded;
        deadlines += one.deadlines;
      },
      outbox: async (id) => {
        const outcome = await deliverOutbox(id);
        if (outcome === 'done') outcomes.delivered++;
        if (outcome === 'retry-later') outcomes.retryLater++;
      },
    },
    { budgetMs },
  );
  if (Object.values(done).some((n) => n > 0)) logger.info('sweep finished', { reminded, deadlines, ...outcomes, failed: done.failed });
  return { reminded, deadlines, ...outcomes };
};

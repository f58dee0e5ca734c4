import type { Context } from 'aws-lambda';
import { type SweepOutcome, sweep } from '../../services/sweep.js';

/**
 * Runs on a schedule (lib/jobs.ts; locally every few seconds): see services/sweep.ts. It leaves
 * 15 s of the function's timeout to finish the last batch; the next run goes on from there.
 */
export const handler = async (_event?: unknown, context?: Partial<Pick<Context, 'getRemainingTimeInMillis'>>): Promise<SweepOutcome> => {
  const remaining = context?.getRemainingTimeInMillis?.();
  return sweep(new Date(), remaining === undefined ? 45_000 : Math.max(5_000, remaining - 15_000));
};

import type { Context } from 'aws-lambda';
import { type SweepOutcome, sweep } from '../../services/sweep.js';
import { invocationDeadline } from './invocation-deadline.js';

/**
 * Runs on a schedule (lib/jobs.ts; locally every few seconds): see services/sweep.ts. It leaves
 * 15 s of the function's timeout to finish the last batch; the next run goes on from there.
 */
export const handler = async (_event?: unknown, context?: Partial<Pick<Context, 'getRemainingTimeInMillis'>>): Promise<SweepOutcome> => {
  const { deadline } = invocationDeadline(context);
  if (deadline === undefined) return sweep(new Date());
  return sweep(new Date(), Math.max(5_000, deadline - Date.now() - 15_000), deadline);
};

import { type SweepOutcome, sweep } from '../../services/sweep.js';

/** Runs on a schedule (lib/jobs.ts; locally every few seconds): see services/sweep.ts. */
export const handler = async (): Promise<SweepOutcome> => sweep(new Date());

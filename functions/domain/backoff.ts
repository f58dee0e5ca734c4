/**
 * The one backoff rule: the n-th retry waits `baseMs · 2^(n-1)`, capped at `capMs`, spread by
 * jitter so that many callers retrying at once do not collide again in lockstep.
 * - `full`: anywhere in [0, delay) (AWS's "full jitter"; for contended retries);
 * - `equal`: in [delay/2, delay) (never much sooner than planned; for scheduled retries);
 * - `none`: exactly the delay.
 */
export interface BackoffRule {
  baseMs: number;
  capMs: number;
  jitter: 'full' | 'equal' | 'none';
}

/** Milliseconds to wait before retry number `attempt` (1 for the first retry). `random` is in [0, 1). */
export function backoffMs(rule: BackoffRule, attempt: number, random: number = Math.random()): number {
  const delay = Math.min(rule.capMs, rule.baseMs * 2 ** Math.max(0, attempt - 1));
  if (rule.jitter === 'full') return random * delay;
  if (rule.jitter === 'equal') return delay / 2 + random * (delay / 2);
  return delay;
}

/**
 * Read-decide-write again after another writer won (store/transaction.ts), counted in tries as
 * long as the one that just lost (at least 10 ms): 2 tries doubling, at most 32. The window grows
 * with the crowd and with how slow the store is right now; a fixed 20 ms doubling capped at 400 ms
 * could not spread 50 approvers on a busy store (they re-read and re-wrote together until their
 * handlers timed out).
 */
export const staleStateRetry = (tryMs: number): BackoffRule => {
  const unit = Math.max(tryMs, 10);
  return { baseMs: 2 * unit, capMs: 32 * unit, jitter: 'full' };
};
/** Keys DynamoDB left unprocessed in a BatchGetItem (store/batch-get.ts): 50 ms doubling. */
export const UNPROCESSED_KEYS_RETRY: BackoffRule = { baseMs: 50, capMs: 6_400, jitter: 'none' };
/** A mail SES refused (services/mailer.ts): 30 s doubling per attempt, capped at 6 h, never given up. */
export const MAIL_RETRY: BackoffRule = { baseMs: 30_000, capMs: 6 * 3600_000, jitter: 'equal' };

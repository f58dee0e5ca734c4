import { describe, expect, it } from 'vitest';
import { backoffMs, MAIL_RETRY, staleStateRetry, UNPROCESSED_KEYS_RETRY } from '../../functions/domain/backoff.js';

describe('backoffMs', () => {
  it('doubles the wait with each attempt until the cap', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs({ baseMs: 100, capMs: 1000, jitter: 'none' }, n));
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('spreads a full-jitter wait over [0, delay) and an equal-jitter wait over [delay/2, delay)', () => {
    const rule = { baseMs: 100, capMs: 1000 };
    expect([0, 0.5, 0.999].map((r) => backoffMs({ ...rule, jitter: 'full' }, 3, r))).toEqual([0, 200, 399.6]);
    expect([0, 0.5, 0.999].map((r) => backoffMs({ ...rule, jitter: 'equal' }, 3, r))).toEqual([200, 300, 399.8]);
  });

  it('retries a failed mail after 15 to 30 s first, and never later than 6 h', () => {
    expect([backoffMs(MAIL_RETRY, 1, 0), backoffMs(MAIL_RETRY, 1, 0.999_999)]).toEqual([15_000, expect.closeTo(30_000, 0)]);
    expect(backoffMs(MAIL_RETRY, 40, 0.999_999)).toBeLessThanOrEqual(6 * 3600_000);
    expect(backoffMs(MAIL_RETRY, 40, 0)).toBe(3 * 3600_000);
  });

  it('spreads stale writes over tries as long as the last one (2 doubling, at most 32), unprocessed keys 50 ms doubling', () => {
    expect(backoffMs(staleStateRetry(0), 60, 0.999_999)).toBeLessThan(320);
    expect(backoffMs(staleStateRetry(100), 1, 0.999_999)).toBeLessThan(200);
    expect(backoffMs(staleStateRetry(100), 60, 0.999_999)).toBeLessThan(3200);
    expect(backoffMs(staleStateRetry(100), 60, 0.5)).toBe(1600);
    expect([1, 2, 7].map((n) => backoffMs(UNPROCESSED_KEYS_RETRY, n))).toEqual([50, 100, 3200]);
  });
});

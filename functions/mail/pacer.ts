/**
 * A token bucket: at most `rate` takes a second on average, and up to `burst` at once after a
 * quiet spell. Pure but for the clock and the sleep it is given (unit tests pass fakes).
 */
export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private burst: number = Math.max(1, rate),
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Changes the rate (the account's quota was read), keeping what is already spent. */
  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
  }

  setBurst(burst: number): void {
    this.refill();
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /**
   * Waits for one token. Tokens are handed out in the order of the calls: each caller reserves
   * its token (the balance may go negative) and sleeps until the bucket would have refilled it.
   * A token that would come later than `maxWaitMs` from now is not reserved: false at once.
   */
  async take(maxWaitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.refill();
    const waitMs = ((1 - this.tokens) / this.rate) * 1000;
    if (this.tokens < 1 && waitMs > maxWaitMs) return false;
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.rate) * 1000);
    return true;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

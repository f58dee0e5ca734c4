import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { logger } from '../logger.js';
import { type Clock, realClock, TokenBucket } from './pacer.js';

/** What SES allows a sandboxed account: the rate used until (or when) the account's own quota cannot be read. */
export const FALLBACK_SEND_RATE = 1;
/** The quota is read again after this long (a raised quota takes effect without a deployment). */
const QUOTA_TTL_MS = 10 * 60_000;
/** Sends tried per mail when SES says it is throttling: 5 retries, 100 ms doubling, full jitter. */
export const THROTTLE_ATTEMPTS = 6;
const THROTTLE_BASE_MS = 100;

/** No token within the wait the caller allowed (its time runs out first): nothing was sent. */
export class NoSendSlot extends Error {
  constructor() {
    super('no send slot before the time runs out');
    this.name = 'NoSendSlot';
  }
}

/** SES's answers that mean "too fast, try again shortly" (and its own server faults). */
export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === 'TooManyRequestsException' ||
    e?.name === 'ThrottlingException' ||
    e?.name === 'Throttling' ||
    e?.$fault === 'server' ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

/**
 * Paces sends to the account's SES sending rate (`GetAccount` → `SendQuota.MaxSendRate`, read
 * once and cached), shared by `senders` mailer instances that may run at once (each takes its
 * part), and retries a throttled send with backoff. So AWS does not throttle us in the first
 * place, and a burst (another sender, a lowered quota) costs a short wait, not a failed mail.
 */
export class SendPacing {
  private readonly bucket: TokenBucket;
  private quotaReadAt = Number.NEGATIVE_INFINITY;
  private quotaTtl = QUOTA_TTL_MS;
  private reading: Promise<void> | null = null;
  /** The rate this instance paces to (mails/s), once the quota was read. */
  rate = FALLBACK_SEND_RATE;

  constructor(
    private readonly ses: SESv2Client,
    private readonly senders = 1,
    private readonly clock: Clock = realClock,
    private readonly random: () => number = Math.random,
  ) {
    this.bucket = new TokenBucket(FALLBACK_SEND_RATE, 1, clock);
  }

  /**
   * Sends with `send` once a token is free, retrying throttling with growing delays. `send` is
   * called only once its token is in hand (told which attempt it is), so whatever it does first
   * (claiming the mail) is not held through the wait for the token. `latestStart` (epoch ms): a
   * first attempt whose token would come later is not made (NoSendSlot), and no token is spent.
   */
  async send<T>(send: (attempt: number) => Promise<T>, latestStart?: number): Promise<T> {
    await this.readQuota();
    for (let attempt = 1; ; attempt++) {
      const maxWaitMs = attempt === 1 && latestStart !== undefined ? Math.max(0, latestStart - Date.now()) : undefined;
      if (!(await this.bucket.take(maxWaitMs))) throw new NoSendSlot();
      try {
        return await send(attempt);
      } catch (error) {
        if (!isThrottling(error) || attempt >= THROTTLE_ATTEMPTS) throw error;
        const delay = this.random() * THROTTLE_BASE_MS * 2 ** (attempt - 1);
        logger.warn('SES throttled a send; retrying', { attempt, delayMs: Math.round(delay), error: (error as Error).name });
        await this.clock.sleep(delay);
      }
    }
  }

  private async readQuota(): Promise<void> {
    if (this.clock.now() - this.quotaReadAt < this.quotaTtl) return;
    this.reading ??= Promise.resolve()
      .then(() => this.ses.send(new GetAccountCommand({})))
      .then(
        (account) => {
          const max = account?.SendQuota?.MaxSendRate;
          this.rate = max && max > 0 ? max / this.senders : FALLBACK_SEND_RATE;
          this.quotaTtl = QUOTA_TTL_MS;
        },
        (error: unknown) => {
          logger.warn('could not read the SES sending quota; pacing to the sandbox rate', { error: (error as Error).name });
          this.rate = FALLBACK_SEND_RATE;
          this.quotaTtl = 60_000; // asked again in a minute
        },
      )
      .then(() => {
        // A burst of one second's worth: SES measures its rate per second.
        this.bucket.setRate(this.rate);
        this.bucket.setBurst(Math.max(1, Math.floor(this.rate)));
        this.quotaReadAt = this.clock.now();
        this.reading = null;
      });
    await this.reading;
  }
}

import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, TokenBucket } from '../../functions/mail/pacer.js';
import { FALLBACK_SEND_RATE, NoSendSlot, SendPacing, THROTTLE_ATTEMPTS } from '../../functions/mail/send-pacing.js';

/** A clock that moves only when someone sleeps: every wait is recorded, none is real. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { clock, sleeps, elapsed: () => t };
}

const ses = mockClient(SESv2Client);
const client = new SESv2Client({ region: 'eu-west-1' });
const account = (rate: number) => ({ SendQuota: { MaxSendRate: rate, Max24HourSend: 50_000, SentLast24Hours: 0 } });
const throttled = () => Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: {} });
const send = () =>
  client.send(
    new SendEmailCommand({
      Destination: { ToAddresses: ['a@example.com'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    }),
  );

afterEach(() => {
  ses.reset();
});

describe('the token bucket', () => {
  it('hands out a burst at once, then one token per 1/rate seconds, in call order', async () => {
    const { clock, elapsed } = fakeClock();
    const bucket = new TokenBucket(10, 5, clock);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(elapsed()).toBe(0);
    for (let i = 0; i < 10; i++) await bucket.take();
    expect(elapsed()).toBeCloseTo(1000, 6); // 10 more at 10/s
  });

  it('does not reserve a token that would come later than the caller can wait', async () => {
    const { clock, elapsed } = fakeClock();
    const bucket = new TokenBucket(2, 1, clock);
    expect(await bucket.take(0)).toBe(true); // the burst
    expect(await bucket.take(400)).toBe(false); // the next one is 500 ms away
    expect(elapsed()).toBe(0);
    expect(await bucket.take(500)).toBe(true);
    expect(elapsed()).toBeCloseTo(500, 6);
    // The refused call spent nothing: the one after is 500 ms later, not 1,000.
    expect(await bucket.take()).toBe(true);
    expect(elapsed()).toBeCloseTo(1000, 6);
  });
});

describe('sends paced to the SES account rate', () => {
  it('makes no first attempt whose turn would come after `latestStart`, and spends no token on it', async () => {
    ses.on(GetAccountCommand).resolves(account(1));
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
    const { clock } = fakeClock();
    const pacing = new SendPacing(client, 1, clock);
    await pacing.send(send); // the one token of the burst
    await expect(pacing.send(send, Date.now() + 500)).rejects.toBeInstanceOf(NoSendSlot);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    await pacing.send(send, Date.now() + 1500); // its turn, 1 s away, comes in time
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it('reads MaxSendRate once, takes its share, and never sends faster than that', async () => {
    ses.on(GetAccountCommand).resolves(account(20));
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
    const { clock, elapsed } = fakeClock();
    const pacing = new SendPacing(client, 2, clock); // two senders share the account: 10/s each
    await Promise.all(Array.from({ length: 40 }, () => pacing.send(send)));
    expect(pacing.rate).toBe(10);
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(40);
    // A burst of one second's worth (10), then 30 more at 10/s.
    expect(elapsed()).toBeGreaterThanOrEqual(3000 - 1e-6);
  });

  it('paces to the sandbox rate when the quota cannot be read, and asks again later', async () => {
    ses.on(GetAccountCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
    const { clock } = fakeClock();
    const pacing = new SendPacing(client, 1, clock);
    for (let i = 0; i < 3; i++) await pacing.send(send);
    expect(pacing.rate).toBe(FALLBACK_SEND_RATE);
    ses.on(GetAccountCommand).resolves(account(50));
    await clock.sleep(61_000);
    await pacing.send(send);
    expect(pacing.rate).toBe(50);
  });

  it('retries a throttled send with growing delays and succeeds once SES lets it through', async () => {
    ses.on(GetAccountCommand).resolves(account(100));
    ses.on(SendEmailCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ MessageId: 'ok' });
    const { clock, sleeps } = fakeClock();
    const pacing = new SendPacing(client, 1, clock, () => 1);
    expect((await pacing.send(send)).MessageId).toBe('ok');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('gives up after its attempts (the outbox retries later) and does not retry a rejected mail', async () => {
    ses.on(GetAccountCommand).resolves(account(100));
    ses.on(SendEmailCommand).rejects(throttled());
    const { clock } = fakeClock();
    const pacing = new SendPacing(client, 1, clock);
    await expect(pacing.send(send)).rejects.toThrow('Maximum sending rate exceeded');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(THROTTLE_ATTEMPTS);

    ses.reset();
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('bad address'), { name: 'MessageRejected' }));
    await expect(pacing.send(send)).rejects.toThrow('bad address');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { createActivity, whenIdle } from '../../local/activity.js';

/** A promise the test settles by hand. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const isSettled = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  // Let every already-resolved continuation run.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return settled;
};

describe('activity', () => {
  it('is settled at once when nothing is in flight', async () => {
    expect(await isSettled(createActivity().settled())).toBe(true);
  });

  it('settles once the work in flight at the call has finished, failed work included', async () => {
    const activity = createActivity();
    const first = gate();
    const second = gate();
    const running = activity.run(() => first.promise);
    const failing = activity.run(() => second.promise);
    const settled = activity.settled();
    first.open();
    expect(await isSettled(settled)).toBe(false);
    second.fail(new Error('handler failed'));
    await expect(failing).rejects.toThrow('handler failed');
    await running;
    expect(await isSettled(settled)).toBe(true);
  });

  it('does not wait for work that starts after the call', async () => {
    const activity = createActivity();
    const settled = activity.settled();
    const later = gate();
    void activity.run(() => later.promise);
    expect(await isSettled(settled)).toBe(true);
    later.open();
  });
});

describe('whenIdle', () => {
  it('waits for the gateway, then the sweeper, then a poll of the stream that found nothing', async () => {
    const order: string[] = [];
    const gateway = createActivity();
    const sweeper = createActivity();
    const request = gate();
    const sweep = gate();
    void gateway.run(() => request.promise.then(() => void order.push('request answered')));
    void sweeper.run(() => sweep.promise.then(() => void order.push('sweep done')));
    const idle = whenIdle({ gateway, sweeper, poller: { idle: async () => void order.push('stream caught up') } });
    sweep.open();
    expect(await isSettled(idle)).toBe(false);
    request.open();
    await idle;
    expect(order).toEqual(['sweep done', 'request answered', 'stream caught up']);
  });
});

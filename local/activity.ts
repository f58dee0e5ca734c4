/**
 * Work in flight in one part of the local stack (gateway requests, sweeps), so that the stack can
 * tell tests when what it was doing has finished, instead of tests guessing with a sleep.
 */
export interface Activity {
  /** Runs `work`, counted as in flight until it settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once everything in flight at the time of the call has settled (later work is not waited for). */
  settled(): Promise<void>;
}

export const createActivity = (): Activity => {
  const inFlight = new Set<Promise<void>>();
  return {
    run(work) {
      const running = work();
      const tracked = running.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return running;
    },
    settled: async () => {
      await Promise.all([...inFlight]);
    },
  };
};

type Settles = Pick<Activity, 'settled'>;

/** The path of the local-only idle endpoint; it is not in the route table, so it never reaches AWS. */
export const LOCAL_IDLE_PATH = '/_local/idle';

/**
 * Idle: the API requests in flight have answered, the sweep in flight has finished, and then a
 * poll of the table's stream found nothing left for the mailer (so every outbox entry written
 * so far, by a request or a sweep, has been handled).
 */
export const whenIdle = async (parts: { gateway: Settles; sweeper: Settles; poller: { idle(): Promise<void> } }): Promise<void> => {
  await parts.gateway.settled();
  await parts.sweeper.settled();
  await parts.poller.idle();
};

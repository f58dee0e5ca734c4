import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../tools/api-client.js';
import { type StackProcess, stackEnv, startStackProcess } from '../../tools/local-stack-process.js';

/** A stack of its own, stopped in the middle of a run of requests and started again. */
const request = (i: number) => ({
  recipients: ['u-alice', 'c-carol'],
  ticket: { number: String(9000 + i), subject: `Restart ${i}`, requester: { name: 'R', email: 'r@example.com' }, conversation: [] },
});

describe('a restart in the middle of a run', () => {
  let stack: StackProcess | undefined;
  afterAll(async () => {
    await stack?.stop();
    if (stack) rmSync(stack.stateDir, { recursive: true, force: true });
  });

  it('loses nothing acknowledged, sends no mail twice, and sends pending mail after the restart', async () => {
    const env = await stackEnv();
    stack = await startStackProcess(env);
    const first = createApiClient(stack.info);
    const token = await first.technicianToken();
    const call = (method: string, path: string, body?: unknown) => first.raw(method, path, { token, ...(body ? { body } : {}) });

    const acknowledged: string[] = [];
    const run = Array.from({ length: 60 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 10));
      const reply = await call('POST', `/tickets/R-${i}/approval`, request(i)).catch(() => undefined);
      if (reply?.status === 201) acknowledged.push(`R-${i}`);
    });
    while (acknowledged.length < 8) await new Promise((r) => setTimeout(r, 5));
    await stack.stop(); // Ctrl-C while requests are still coming in
    await Promise.all(run);
    expect(acknowledged.length).toBeGreaterThan(0);

    stack = await startStackProcess(env);
    const second = createApiClient(stack.info);
    const token2 = await second.technicianToken();
    const again = (method: string, path: string) => second.raw(method, path, { token: token2 });
    for (const ticketId of acknowledged) {
      const deadline = Date.now() + 20_000;
      let tab = await again('GET', `/tickets/${ticketId}/approval`);
      expect(tab.status).toBe(200);
      while (tab.body.recipients.some((r: { sentAt: string | null }) => !r.sentAt) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        tab = await again('GET', `/tickets/${ticketId}/approval`);
      }
      expect(tab.body.recipients.map((r: { sentAt: string | null }) => typeof r.sentAt)).toEqual(['string', 'string']);
      const activity = await again('GET', `/tickets/${ticketId}/activity`);
      const sent = activity.body.activity
        .filter((e: { type: string }) => e.type === 'mail_sent')
        .map((e: { approverId: string }) => e.approverId);
      expect(sent.sort()).toEqual(['c-carol', 'u-alice']);
    }
  }, 120_000);
});

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalInfo } from '../../local/local-info.js';
import { type StackProcess, stackEnv, startStackProcess } from '../support/local-stack-process.js';

/** A stack of its own, stopped in the middle of a run of requests and started again. */
async function token(info: LocalInfo, email: string, password: string): Promise<string> {
  const response = await fetch(info.cognito.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: info.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  });
  return ((await response.json()) as { AuthenticationResult: { IdToken: string } }).AuthenticationResult.IdToken;
}

function api(info: LocalInfo, auth: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.text().then((t) => (t ? JSON.parse(t) : undefined))) as any };
  };
}

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
    const { email, password } = stack.info.demo.technician;
    const call = api(stack.info, await token(stack.info, email, password));

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
    const again = api(stack.info, await token(stack.info, email, password));
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

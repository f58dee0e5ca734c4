import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient, type RawReply } from '../../tools/api-client.js';
import { killEmulator } from '../support/emulator-control.js';
import { type PrivateStack, startPrivateStack } from '../support/private-stack.js';

/** A dependency that is down is the service's fault and temporary: 503 with Retry-After, never 500. */
describe('a dependency that is down', () => {
  let stack: PrivateStack;
  let client: ApiClient;
  let technician: string;
  let approverToken: string;
  let ticketId: string;
  beforeAll(async () => {
    stack = await startPrivateStack();
    client = createApiClient(stack.info);
    technician = await client.technicianToken();
    const approver = await client.newApprover(technician);
    approverToken = await approver.token();
    ({ ticketId } = await client.openRequest(technician, [approver.approverId]));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const expectUnavailable = (reply: RawReply) => {
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: expect.any(String) } },
    });
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('answers 503 unavailable with Retry-After when Cognito is down', async () => {
    await killEmulator(stack.stateDir, 'cognito');
    expectUnavailable(
      await client.raw('PUT', '/directory/approvers/u-new-during-outage', {
        token: technician,
        body: { kind: 'user', email: 'outage@test.example', name: 'Outage' },
      }),
    );
  });

  it('answers 503 unavailable with Retry-After on every kind of route when DynamoDB is down', async () => {
    await killEmulator(stack.stateDir, 'dynamodb');
    const replies = await Promise.all([
      client.raw('GET', `/tickets/${ticketId}/approval`, { token: technician }),
      client.raw('GET', `/tickets?ids=${ticketId}`, { token: technician }),
      client.raw('POST', '/tickets/T-outage/approval', {
        token: technician,
        headers: { 'idempotency-key': 'outage-1' },
        body: {
          recipients: ['u-x'],
          ticket: { number: '1', subject: 'S', requester: { name: 'R', email: 'r@example.com' }, conversation: [] },
        },
      }),
      client.raw('DELETE', `/tickets/${ticketId}/approval`, { token: technician }),
      client.raw('GET', '/directory/approvers', { token: technician }),
      client.raw('GET', '/portal/approvals', { token: approverToken }),
    ]);
    for (const reply of replies) expectUnavailable(reply);
  });
});

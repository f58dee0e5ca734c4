import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { receiptHash } from '../../functions/signing/jws.js';
import { allActivity, call, newApprover, type TestApprover, technicianToken, ticketBody, unique, waitForIdle } from '../support/api.js';

/** Closing a request gets it a signed receipt, chained per ticket (API.md, "Approvals you can prove"). */
describe('receipts of closed requests', () => {
  let technician: string;
  let alice: TestApprover;
  let bob: TestApprover;
  let outsider: TestApprover;
  const tokens = {} as Record<'alice' | 'bob' | 'outsider', string>;

  beforeAll(async () => {
    technician = await technicianToken();
    [alice, bob, outsider] = [
      await newApprover(technician, 'user'),
      await newApprover(technician, 'contact'),
      await newApprover(technician, 'user'),
    ];
    Object.assign(tokens, { alice: await alice.token(), bob: await bob.token(), outsider: await outsider.token() });
  });

  async function open(ticketId: string) {
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([alice.approverId, bob.approverId]),
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  const approve = async (requestId: string, who: 'alice' | 'bob') =>
    expect(
      (await call('POST', `/portal/approvals/${requestId}/responses`, { token: tokens[who], body: { decision: 'approve' } })).status,
    ).toBe(200);

  it('has none while the request is open, then one that the technician and each recipient get and the JWKS verifies', async () => {
    const ticketId = unique('T');
    const requestId = await open(ticketId);
    await approve(requestId, 'alice');
    const early = await call('GET', `/tickets/${ticketId}/approval/receipt`, { token: technician });
    expect(early).toMatchObject({ status: 404, body: { error: { code: 'receipt_not_ready' } } });
    expect(await call('GET', `/portal/approvals/${requestId}/receipt`, { token: tokens.alice })).toMatchObject({
      status: 404,
      body: { error: { code: 'receipt_not_ready' } },
    });

    await approve(requestId, 'bob');
    await waitForIdle();
    const forTechnician = await call('GET', `/tickets/${ticketId}/approval/receipt`, { token: technician });
    expect(forTechnician.status).toBe(200);
    expect(forTechnician.body.payload).toMatchObject({
      type: 'signoff.approval-receipt',
      requestId,
      ticketId,
      status: 'approved',
      policy: { type: 'all' },
      previous: null,
      decisions: [
        { approverId: alice.approverId, decision: 'approved', email: alice.email },
        { approverId: bob.approverId, decision: 'approved', email: bob.email },
      ],
    });
    for (const who of ['alice', 'bob'] as const) {
      const mine = await call('GET', `/portal/approvals/${requestId}/receipt`, { token: tokens[who] });
      expect(mine).toMatchObject({ status: 200, body: forTechnician.body });
    }

    const jwks = await call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const { kid } = decodeProtectedHeader(forTechnician.body.receipt);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
    const verified = await compactVerify(forTechnician.body.receipt, createLocalJWKSet(jwks.body), { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(forTechnician.body.payload);

    const logged = (await allActivity<{ type: string; receiptHash?: string }>(ticketId, technician)).filter(
      (a) => a.type === 'receipt_issued',
    );
    expect(logged).toEqual([expect.objectContaining({ receiptHash: receiptHash(forTechnician.body.receipt), requestId })]);
  });

  it("shows a request's receipt to no one but its recipients (others get the request's 404)", async () => {
    const ticketId = unique('T');
    const requestId = await open(ticketId);
    expect((await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(204);
    await waitForIdle();
    expect((await call('GET', `/portal/approvals/${requestId}/receipt`, { token: tokens.alice })).status).toBe(200);
    expect(await call('GET', `/portal/approvals/${requestId}/receipt`, { token: tokens.outsider })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });

  it('gives a canceled request a receipt too, and chains the rounds of one ticket', async () => {
    const ticketId = unique('T');
    const first = await open(ticketId);
    expect((await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(204);
    const second = await open(ticketId);
    await approve(second, 'alice');
    expect((await call('POST', `/portal/approvals/${second}/responses`, { token: tokens.bob, body: { decision: 'decline' } })).status).toBe(
      200,
    );
    await waitForIdle();

    const chain = await call('GET', `/tickets/${ticketId}/receipts`, { token: technician });
    expect(chain.status).toBe(200);
    const [one, two] = chain.body.receipts as {
      receipt: string;
      payload: { requestId: string; status: string; previous: string | null };
    }[];
    expect(chain.body.receipts).toHaveLength(2);
    expect(one!.payload).toMatchObject({ requestId: first, status: 'canceled', previous: null });
    expect(two!.payload).toMatchObject({ requestId: second, status: 'declined', previous: receiptHash(one!.receipt) });
    const current = await call('GET', `/tickets/${ticketId}/approval/receipt`, { token: technician });
    expect(current.body.receipt).toBe(two!.receipt);
  });

  it('answers 404 not_found for a ticket that never had a request', async () => {
    expect(await call('GET', `/tickets/${unique('T')}/approval/receipt`, { token: technician })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });
});

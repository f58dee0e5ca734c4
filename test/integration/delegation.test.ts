import { beforeAll, describe, expect, it } from 'vitest';
import { allActivity, call, mailsOnceIdle, newApprover, stack, type TestApprover, technicianToken, waitForMails } from '../support/api.js';

/** Delegation (out of office): API.md "Approvals that run themselves", README "Delegation". */

const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

interface RecipientBody {
  approverId: string;
  status: string;
  onBehalfOf: string | null;
  delegatedTo: string | null;
  answeredBy: string | null;
}

/** Polls `read` until `done` holds, or fails after `ms` (no fixed sleeps as assertions). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('delegation: an away approver names a substitute', () => {
  let technician: string;
  const open = async (recipients: string[], extra = {}) =>
    (await stack.openRequest(technician, recipients, extra)) as {
      ticketId: string;
      requestId: string;
      request: { recipients: RecipientBody[] };
    };
  const tab = async (ticketId: string) => (await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).body;
  const byId = (recipients: RecipientBody[]) => Object.fromEntries(recipients.map((r) => [r.approverId, r]));
  const setAway = async (who: TestApprover, body: Record<string, unknown>) =>
    call('PUT', '/portal/delegation', { token: await who.token(), body });

  beforeAll(async () => {
    technician = await technicianToken();
  });

  it('sends a new request naming the delegator to the substitute, on behalf of the delegator, and says so in the mail', async () => {
    const [away, sub, other] = [
      await newApprover(technician, 'user', { name: 'Alma Away' }),
      await newApprover(technician),
      await newApprover(technician),
    ];
    const set = await setAway(away, { substituteId: sub.approverId, until: inHours(48), note: 'Back Monday' });
    expect(set).toMatchObject({
      status: 200,
      body: {
        delegation: { approverId: away.approverId, substituteId: sub.approverId, active: true, note: 'Back Monday', setBy: 'approver' },
      },
    });
    expect((await call('GET', '/portal/delegation', { token: await away.token() })).body.delegation.substituteId).toBe(sub.approverId);

    const { ticketId, requestId, request } = await open([away.approverId, other.approverId]);
    const entries = byId(request.recipients);
    expect(entries[sub.approverId]).toMatchObject({ status: 'pending', onBehalfOf: away.approverId });
    expect(entries[away.approverId]).toMatchObject({ status: 'pending', delegatedTo: sub.approverId, onBehalfOf: null });

    const [mail] = await waitForMails(sub.email, 1);
    expect(mail!.body.text).toContain('on behalf of Alma Away');
    expect(mail!.body.text).toContain(requestId);
    expect(await mailsOnceIdle(away.email)).toEqual([]);

    const portal = await call('GET', `/portal/approvals/${requestId}`, { token: await sub.token() });
    expect(portal.body.you).toMatchObject({ onBehalfOf: { approverId: away.approverId, name: 'Alma Away' }, status: 'pending' });

    // The substitute's approval settles the delegator's place: with "all", one more approval closes it.
    const answered = await call('POST', `/portal/approvals/${requestId}/responses`, {
      token: await sub.token(),
      body: { decision: 'approve' },
    });
    expect(answered).toMatchObject({ status: 200, body: { status: 'partially_approved', you: { status: 'approved' } } });
    const after = byId((await tab(ticketId)).recipients);
    expect(after[away.approverId]).toMatchObject({ status: 'approved', answeredBy: sub.approverId });
    const late = await call('POST', `/portal/approvals/${requestId}/responses`, {
      token: await away.token(),
      body: { decision: 'decline' },
    });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'place_settled', details: { answeredBy: sub.approverId } } } });
    const done = await call('POST', `/portal/approvals/${requestId}/responses`, {
      token: await other.token(),
      body: { decision: 'approve' },
    });
    expect(done.body.status).toBe('approved');

    const log = await allActivity<Record<string, unknown>>(ticketId, technician);
    expect(log).toContainEqual(
      expect.objectContaining({
        type: 'delegated',
        places: [expect.objectContaining({ delegator: { approverId: away.approverId, name: 'Alma Away' } })],
      }),
    );
    expect(log).toContainEqual(
      expect.objectContaining({ type: 'response_recorded', approverId: sub.approverId, onBehalfOf: away.approverId, decision: 'approved' }),
    );
  });

  it('adds the substitute to open requests still waiting on the delegator, and mails them', async () => {
    const [away, sub, other] = [await newApprover(technician), await newApprover(technician), await newApprover(technician)];
    // "any": the delegator's decline leaves the request open, so the substitute's answer meets a settled place.
    const waiting = await open([away.approverId, other.approverId], { policy: { type: 'any' } });
    const answeredAlready = await open([away.approverId, other.approverId]);
    await call('POST', `/portal/approvals/${answeredAlready.requestId}/responses`, {
      token: await away.token(),
      body: { decision: 'approve' },
    });

    expect((await setAway(away, { substituteId: sub.approverId, until: inHours(24) })).status).toBe(200);
    const entries = byId((await tab(waiting.ticketId)).recipients);
    expect(entries[sub.approverId]).toMatchObject({ status: 'pending', onBehalfOf: away.approverId });
    expect(entries[away.approverId]).toMatchObject({ status: 'pending', delegatedTo: sub.approverId });
    // Where the delegator already answered there is no place to hand over.
    expect((await tab(answeredAlready.ticketId)).recipients.map((r: RecipientBody) => r.approverId)).not.toContain(sub.approverId);

    const mails = await mailsOnceIdle(sub.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.text).toContain(waiting.requestId);

    // Either may answer: here the delegator comes back first, and the place is theirs.
    const first = await call('POST', `/portal/approvals/${waiting.requestId}/responses`, {
      token: await away.token(),
      body: { decision: 'decline' },
    });
    expect(first).toMatchObject({ status: 200, body: { status: 'pending', you: { status: 'declined' } } });
    const second = await call('POST', `/portal/approvals/${waiting.requestId}/responses`, {
      token: await sub.token(),
      body: { decision: 'approve' },
    });
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'place_settled' } } });
  });

  it('counts exactly one of two concurrent answers by the delegator and the substitute; the other gets 409', async () => {
    const [away, sub, other] = [await newApprover(technician), await newApprover(technician), await newApprover(technician)];
    // "quorum 2" of three places: if both answers counted, one approval would close the request.
    const { ticketId, requestId } = await open([away.approverId, other.approverId, (await newApprover(technician)).approverId], {
      policy: { type: 'quorum', count: 2 },
    });
    expect((await setAway(away, { substituteId: sub.approverId, until: inHours(24) })).status).toBe(200);
    const [tokenAway, tokenSub] = [await away.token(), await sub.token()];
    const replies = await Promise.all(
      [tokenAway, tokenSub].map((token) =>
        call('POST', `/portal/approvals/${requestId}/responses`, { token, body: { decision: 'approve' } }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)!.body.error.code).toMatch(/^(place_settled|concurrent_update)$/);
    const request = await tab(ticketId);
    expect(request.status).toBe('partially_approved');
    const log = await allActivity<{ type: string }>(ticketId, technician);
    expect(log.filter((e) => e.type === 'response_recorded')).toHaveLength(1);
    const done = await call('POST', `/portal/approvals/${requestId}/responses`, {
      token: await other.token(),
      body: { decision: 'approve' },
    });
    expect(done.body.status).toBe('approved');
  });

  it('starts a delegation set ahead of time at `from` (the due-work sweep) and ends it by itself at `until`', async () => {
    const [away, sub] = [await newApprover(technician, 'contact'), await newApprover(technician, 'contact')];
    const waiting = await open([away.approverId]);
    const set = await setAway(away, { substituteId: sub.approverId, from: inSeconds(2), until: inSeconds(8) });
    expect(set.body.delegation).toMatchObject({ active: false });
    expect(byId((await tab(waiting.ticketId)).recipients)[sub.approverId]).toBeUndefined();

    const handed = await eventually(
      () => tab(waiting.ticketId),
      (r) => r.recipients.some((x: RecipientBody) => x.approverId === sub.approverId),
    );
    expect(byId(handed.recipients)[sub.approverId]).toMatchObject({ onBehalfOf: away.approverId });

    // At `until` it reads as ended, and new requests go to the delegator again.
    await eventually(
      async () => (await call('GET', '/portal/delegation', { token: await away.token() })).body.delegation,
      (d) => d === null,
    );
    const later = await open([away.approverId]);
    expect(later.request.recipients.map((r) => r.approverId)).toEqual([away.approverId]);
    await waitForMails(away.email, 2);
  });

  it('refuses a bad delegation with a 4xx and changes nothing', async () => {
    const [away, sub, contact] = [await newApprover(technician), await newApprover(technician), await newApprover(technician, 'contact')];
    const token = await away.token();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ substituteId: away.approverId, until: inHours(1) }, 422, 'substitute_is_self'],
      [{ substituteId: 'no-such-approver', until: inHours(1) }, 422, 'substitute_not_listed'],
      [{ substituteId: contact.approverId, until: inHours(1) }, 422, 'substitute_kind_mismatch'],
      [{ substituteId: sub.approverId, until: inHours(-1) }, 422, 'delegation_period_invalid'],
      [{ substituteId: sub.approverId, from: inHours(5), until: inHours(2) }, 422, 'delegation_period_invalid'],
      [{ substituteId: sub.approverId, until: inHours(24 * 91) }, 422, 'delegation_period_invalid'],
      [{ substituteId: sub.approverId }, 400, 'invalid_request'],
      [{ substituteId: sub.approverId, until: 'tomorrow' }, 400, 'invalid_request'],
      [{ substituteId: sub.approverId, until: inHours(1), extra: 1 }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const reply = await call('PUT', '/portal/delegation', { token, body });
      expect([JSON.stringify(body), reply.status, reply.body.error?.code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect((await call('GET', '/portal/delegation', { token })).body).toEqual({ delegation: null });

    // Two approvers may not name each other for the same time.
    expect((await setAway(sub, { substituteId: away.approverId, until: inHours(24) })).status).toBe(200);
    const loop = await call('PUT', '/portal/delegation', { token, body: { substituteId: sub.approverId, until: inHours(24) } });
    expect(loop).toMatchObject({ status: 422, body: { error: { code: 'delegation_loop' } } });
    expect((await call('GET', '/portal/delegation', { token })).body).toEqual({ delegation: null });
  });

  it("keeps an approver to their own delegation: the directory routes are for technicians, and they manage anyone's", async () => {
    const [away, sub, bystander] = [await newApprover(technician), await newApprover(technician), await newApprover(technician)];
    const path = `/directory/approvers/${bystander.approverId}/delegation`;
    const body = { substituteId: sub.approverId, until: inHours(24) };
    const approverToken = await away.token();
    expect((await call('PUT', path, { token: approverToken, body })).status).toBe(403);
    expect((await call('GET', path, { token: approverToken })).status).toBe(403);
    expect((await call('DELETE', path, { token: approverToken })).status).toBe(403);
    expect((await call('GET', path, { token: technician })).body).toEqual({ delegation: null });

    const set = await call('PUT', path, { token: technician, body });
    expect(set).toMatchObject({
      status: 200,
      body: { delegation: { approverId: bystander.approverId, setBy: 'technician', active: true } },
    });
    expect((await call('GET', '/portal/delegation', { token: await bystander.token() })).body.delegation.substituteId).toBe(sub.approverId);
    // The portal route only ever touches the caller's own delegation.
    expect((await call('GET', '/portal/delegation', { token: approverToken })).body).toEqual({ delegation: null });
    expect((await call('DELETE', path, { token: technician })).status).toBe(204);
    expect((await call('GET', path, { token: technician })).body).toEqual({ delegation: null });
    expect((await call('GET', '/directory/approvers/no-such-approver/delegation', { token: technician })).status).toBe(404);
  });
});

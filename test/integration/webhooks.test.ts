import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, newApprover, type TestApprover, technicianToken, ticketBody, unique } from '../support/api.js';
import { type Received, type Receiver, startReceiver } from '../support/webhook-receiver.js';

/**
 * Webhooks as an integrator meets them, on the local stack: endpoints registered through the
 * API, real HTTP receivers on loopback, the stack's dispatcher delivering from the table's
 * stream and retrying on its sweep. The test stack runs the retry schedule in seconds
 * (WEBHOOK_RETRY_SCHEDULE=1,1,1: four attempts) and a 2 s receiver timeout.
 */
let technician: string;
const receivers: Receiver[] = [];
const registered: string[] = [];

beforeAll(async () => {
  technician = await technicianToken();
});

// Each test's endpoints go when it ends: the stack takes only so many, and other files run meanwhile.
afterEach(async () => {
  for (const id of registered.splice(0)) await call('DELETE', `/webhooks/${id}`, { token: technician });
});

afterAll(async () => {
  for (const r of receivers) await r.close();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function register(url: string, extra: Record<string, unknown> = {}) {
  const reply = await call('POST', '/webhooks', { token: technician, body: { url, ...extra } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  registered.push(reply.body.id);
  return reply.body as { id: string; secret: string; status: string; events: string[] | null };
}

/** Endpoints that only test events reach: the rest of the suite's traffic stays away from them. */
const TESTS_ONLY = { events: ['webhook.test'] };

const forTicket = (ticketId: string) => (all: Received[]) => all.filter((r) => r.event.data.ticketId === ticketId);
const deliveriesOf = async (id: string) => (await call('GET', `/webhooks/${id}/deliveries`, { token: technician })).body.deliveries;

async function waitForDelivery(webhookId: string, eventId: string, done: (d: Record<string, unknown>) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = (await deliveriesOf(webhookId)).find((d: { eventId: string }) => d.eventId === eventId);
    if (delivery && done(delivery)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery of ${eventId}: ${JSON.stringify(delivery)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function respond(approver: TestApprover, requestId: string, body: unknown) {
  const reply = await call('POST', `/portal/approvals/${requestId}/responses`, { token: await approver.token(), body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

describe('webhooks', () => {
  it('delivers requested … approved, numbered in the order they happened, each signed and with its event id as webhook-id', async () => {
    const inbox = await receiver();
    const endpoint = await register(inbox.url, { description: 'helpdesk' });
    expect(endpoint).toMatchObject({ status: 'active', events: null, description: 'helpdesk', secret: expect.stringMatching(/^whsec_/) });
    const [ann, bob] = [await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([ann.approverId, bob.approverId]),
    });
    expect(created.status).toBe(201);
    await respond(ann, created.body.id, { decision: 'approve', feedback: 'Fine by me.' });
    await respond(bob, created.body.id, { decision: 'approve' });

    // Ordered by `sequence`, as the contract tells a receiver to (concurrent batches may deliver out of order).
    const got = forTicket(ticketId)(await inbox.waitFor((all) => forTicket(ticketId)(all).length >= 6)).sort(
      (a, b) => a.event.data.sequence - b.event.data.sequence,
    );
    expect(got.map((r) => [r.event.data.sequence, r.event.type])).toEqual([
      [1, 'approval.requested'],
      [2, 'approval.feedback'],
      [3, 'approval.responded'],
      [4, 'approval.partially_approved'],
      [5, 'approval.responded'],
      [6, 'approval.approved'],
    ]);
    for (const r of got) {
      expect(r.id).toBe(r.event.id);
      expect(r.event.id).toMatch(/^evt_/);
      expect(inbox.verifies(r, endpoint.secret)).toBe(true);
      expect(r.event.data).toMatchObject({ ticketId, requestId: created.body.id });
    }
    expect(got[5]!.event.data).toMatchObject({ status: 'approved', previousStatus: 'partially_approved' });
    expect(got[4]!.event.data.recipient).toMatchObject({ approverId: bob.approverId, status: 'approved' });
  });

  it("numbers a ticket's events 1…n, without gap or repeat, when twelve approvers answer at once", async () => {
    const inbox = await receiver();
    await register(inbox.url, { events: ['approval.requested', 'approval.responded', 'approval.partially_approved', 'approval.approved'] });
    const crowd = await Promise.all(Array.from({ length: 12 }, () => newApprover(technician)));
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(crowd.map((a) => a.approverId)),
    });
    expect(created.status).toBe(201);
    const path = `/portal/approvals/${created.body.id}/responses`;
    const replies = await Promise.all(
      crowd.map(async (a) => call('POST', path, { token: await a.token(), body: { decision: 'approve' } })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));

    // requested, 12 × responded, partially_approved, approved.
    const got = forTicket(ticketId)(await inbox.waitFor((all) => forTicket(ticketId)(all).length >= 15));
    const bySequence = [...got].sort((a, b) => a.event.data.sequence - b.event.data.sequence);
    expect(bySequence.map((r) => r.event.data.sequence)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const types = bySequence.map((r) => r.event.type);
    expect(types[0]).toBe('approval.requested');
    expect(types.at(-1)).toBe('approval.approved');
    // The first approval's responded event comes right before the status it moved.
    expect(types[1]).toBe('approval.responded');
    expect(types[2]).toBe('approval.partially_approved');
    expect(types.filter((t) => t === 'approval.responded')).toHaveLength(12);
    expect(bySequence[14]!.event.data).toMatchObject({ status: 'approved', previousStatus: 'partially_approved' });
  });

  it('sends only the subscribed types', async () => {
    const [filtered, all] = [await receiver(), await receiver()];
    const approvedOnly = await register(filtered.url, { events: ['approval.approved'] });
    expect(approvedOnly.events).toEqual(['approval.approved']);
    await register(all.url);
    const ann = await newApprover(technician);
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([ann.approverId]) });
    await respond(ann, created.body.id, { decision: 'approve' });
    const seen = (r: Received[]) => forTicket(ticketId)(r).some((x) => x.event.type === 'approval.approved');
    await all.waitFor(seen);
    await filtered.waitFor(seen);
    // Each event's endpoints are chosen before any is tried, and events go out in order: by the
    // time both got approval.approved, the earlier events had been offered to neither or both.
    expect(forTicket(ticketId)(filtered.received).map((r) => r.event.type)).toEqual(['approval.approved']);
    expect(forTicket(ticketId)(all.received).map((r) => r.event.type)).toEqual([
      'approval.requested',
      'approval.responded',
      'approval.approved',
    ]);
  });

  it('retries a receiver that answered 500 with the same webhook-id, and logs both attempts', async () => {
    const flaky = await receiver();
    flaky.answer = () => (flaky.received.length > 1 ? 204 : 500);
    const endpoint = await register(flaky.url, TESTS_ONLY);
    const test = await call('POST', `/webhooks/${endpoint.id}/test`, { token: technician });
    expect(test.status).toBe(202);
    const got = await flaky.waitFor((all) => all.filter((r) => r.event.id === test.body.eventId).length >= 2);
    const attempts = got.filter((r) => r.event.id === test.body.eventId);
    expect(attempts.map((r) => r.id)).toEqual([test.body.eventId, test.body.eventId]);
    expect(attempts[0]!.event).toEqual(attempts[1]!.event);
    expect(attempts[0]!.event).toMatchObject({ type: 'webhook.test', data: { sequence: 0, webhookId: endpoint.id } });
    const delivery = await waitForDelivery(endpoint.id, test.body.eventId, (d) => d.status === 'delivered');
    expect(delivery).toMatchObject({ type: 'webhook.test', attempts: 2, lastResponseStatus: 204, nextAttemptAt: null });
    expect((delivery.attemptLog as { responseStatus: number }[]).map((a) => a.responseStatus)).toEqual([500, 204]);
  });

  it('gives up after the schedule: the delivery is failed and the endpoint failing', async () => {
    const broken = await receiver();
    broken.answer = () => 500;
    const endpoint = await register(broken.url, TESTS_ONLY);
    const test = await call('POST', `/webhooks/${endpoint.id}/test`, { token: technician });
    const delivery = await waitForDelivery(endpoint.id, test.body.eventId, (d) => d.status === 'failed');
    expect(delivery).toMatchObject({ attempts: 4, lastResponseStatus: 500, nextAttemptAt: null });
    expect(broken.received.filter((r) => r.id === test.body.eventId)).toHaveLength(4);
    expect((await call('GET', `/webhooks/${endpoint.id}`, { token: technician })).body).toMatchObject({ status: 'failing' });
  });

  it('counts no answer within the timeout as a failed attempt, and delivers on the retry', async () => {
    const slow = await receiver();
    slow.answer = () => (slow.received.length > 1 ? 200 : 'hang');
    const endpoint = await register(slow.url, TESTS_ONLY);
    const test = await call('POST', `/webhooks/${endpoint.id}/test`, { token: technician });
    const delivery = await waitForDelivery(endpoint.id, test.body.eventId, (d) => d.status === 'delivered');
    expect(delivery.attemptLog).toEqual([
      { at: expect.any(String), responseStatus: null, error: 'no answer within 2 s' },
      { at: expect.any(String), responseStatus: 200, error: null },
    ]);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const inbox = await receiver();
    const endpoint = await register(inbox.url, TESTS_ONLY);
    const rotated = await call('POST', `/webhooks/${endpoint.id}/secret`, { token: technician });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const test = await call('POST', `/webhooks/${endpoint.id}/test`, { token: technician });
    const [got] = (await inbox.waitFor((all) => all.some((r) => r.id === test.body.eventId))).filter((r) => r.id === test.body.eventId);
    expect(got!.signature.split(' ')).toHaveLength(2);
    expect(inbox.verifies(got!, rotated.body.secret)).toBe(true);
    expect(inbox.verifies(got!, endpoint.secret)).toBe(true);
    expect(inbox.verifies(got!, `whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toBe(false);
  });

  it('stops delivering to a deleted endpoint', async () => {
    const [gone, control] = [await receiver(), await receiver()];
    const endpoint = await register(gone.url);
    await register(control.url);
    expect((await call('DELETE', `/webhooks/${endpoint.id}`, { token: technician })).status).toBe(204);
    expect((await call('GET', `/webhooks/${endpoint.id}`, { token: technician })).status).toBe(404);
    expect((await call('GET', `/webhooks/${endpoint.id}/deliveries`, { token: technician })).status).toBe(404);
    expect((await call('DELETE', `/webhooks/${endpoint.id}`, { token: technician })).status).toBe(404);
    const listed = await call('GET', '/webhooks', { token: technician });
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).not.toContain(endpoint.id);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const ann = await newApprover(technician);
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([ann.approverId]) });
    await control.waitFor((all) => forTicket(ticketId)(all).length > 0);
    // The event's endpoints were chosen before the control endpoint got it: the deleted one was not among them.
    expect(forTicket(ticketId)(gone.received)).toEqual([]);
  });

  it('pages the deliveries log, newest first', async () => {
    const inbox = await receiver();
    const endpoint = await register(inbox.url, TESTS_ONLY);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call('POST', `/webhooks/${endpoint.id}/test`, { token: technician })).body.eventId);
    await waitForDelivery(endpoint.id, ids[2]!, (d) => d.status === 'delivered');
    await waitForDelivery(endpoint.id, ids[0]!, (d) => d.status === 'delivered');
    const first = await call('GET', `/webhooks/${endpoint.id}/deliveries?limit=2`, { token: technician });
    expect(first.status).toBe(200);
    expect(first.body.deliveries.map((d: { eventId: string }) => d.eventId)).toEqual([ids[2], ids[1]]);
    const second = await call('GET', `/webhooks/${endpoint.id}/deliveries?limit=2&next=${first.body.next}`, { token: technician });
    expect(second.body.deliveries.map((d: { eventId: string }) => d.eventId)).toEqual([ids[0]]);
    expect(second.body.next).toBeNull();
    const bad = await call('GET', `/webhooks/${endpoint.id}/deliveries?next=bm9wZQ`, { token: technician });
    expect(bad.status).toBe(400);
  });

  it('refuses URLs that are not https or reach private, link-local or metadata addresses (422 url_not_allowed)', async () => {
    const before = (await call('GET', '/webhooks', { token: technician })).body.webhooks.length;
    for (const url of [
      'http://10.0.0.1/hook',
      'https://192.168.1.20/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/latest',
      'https://[::ffff:10.1.2.3]/hook',
      'http://172.16.0.1/hook',
      'ftp://127.0.0.1/hook',
      'http://user:pass@127.0.0.1/hook',
    ]) {
      const reply = await call('POST', '/webhooks', { token: technician, body: { url } });
      expect(reply.status, url).toBe(422);
      expect(reply.body.error.code, url).toBe('url_not_allowed');
    }
    expect((await call('GET', '/webhooks', { token: technician })).body.webhooks).toHaveLength(before);
  });

  it('answers bad input with 400 and creates nothing', async () => {
    const before = (await call('GET', '/webhooks', { token: technician })).body.webhooks.length;
    const bodies: { raw?: string; body?: unknown }[] = [
      { raw: '{"url": ' },
      { body: {} },
      { body: { url: 'not a url' } },
      { body: { url: 'https://example.com/hook', events: ['approval.maybe'] } },
      { body: { url: 'https://example.com/hook', events: 'approval.approved' } },
      { body: { url: 'https://example.com/hook', secret: 'mine' } },
      { body: { url: 42 } },
    ];
    for (const b of bodies) {
      const reply = await call('POST', '/webhooks', { token: technician, ...b });
      expect(reply.status, JSON.stringify(b)).toBe(400);
    }
    const unknown = await call('GET', '/webhooks/wh_unknown', { token: technician });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(404);
    expect((await call('GET', '/webhooks/x/deliveries?limit=0', { token: technician })).status).toBe(400);
    expect((await call('GET', '/webhooks', { token: technician })).body.webhooks).toHaveLength(before);
  });

  it('is for technicians only: approvers get 403, no token 401', async () => {
    const inbox = await receiver();
    const endpoint = await register(inbox.url, TESTS_ONLY);
    const approver = await (await newApprover(technician)).token();
    const routes: [string, string, unknown?][] = [
      ['POST', '/webhooks', { url: inbox.url }],
      ['GET', '/webhooks'],
      ['GET', `/webhooks/${endpoint.id}`],
      ['DELETE', `/webhooks/${endpoint.id}`],
      ['POST', `/webhooks/${endpoint.id}/secret`],
      ['POST', `/webhooks/${endpoint.id}/test`],
      ['GET', `/webhooks/${endpoint.id}/deliveries`],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(method, path, { token: approver, body })).status, `${method} ${path}`).toBe(403);
      expect((await call(method, path, { body })).status, `${method} ${path}`).toBe(401);
    }
    // Nothing an approver tried went through: the endpoint is there, and no test event was sent.
    expect((await call('GET', `/webhooks/${endpoint.id}`, { token: technician })).status).toBe(200);
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
  });
});

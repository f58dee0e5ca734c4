import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admits, type Group, ROUTES, type Route, type RouteName } from '../../functions/handlers/routes.js';
import {
  allApprovers,
  call,
  local,
  newApprover,
  signIn,
  type TestApprover,
  technicianToken,
  ticketBody,
  unique,
  waitForIdle,
} from '../support/api.js';
import { type Claims, claimsOf, cognitoLocalKey, mintToken, strangerKey, tokenVariants } from '../support/tokens.js';

/**
 * Every route × every kind of caller → the status API.md promises. Bad tokens get 401, a token
 * of the wrong group 403, public routes 200 for everyone. Path ids are real where the answer
 * depends on them: `user` and `contact` are recipients of the request in the path, `outsider`
 * (a listed contact) is not, and `delisted` was a recipient before being delisted. A caller
 * that is allowed to change state gets fresh fixtures of its own, so no cell depends on another.
 */
const CALLERS = [
  'none',
  'garbage',
  'expired',
  'foreignKey',
  'wrongAudience',
  'technician',
  'user',
  'contact',
  'delisted',
  'outsider',
] as const;
type CallerName = (typeof CALLERS)[number];
type Row = Record<CallerName, number>;

/**
 * none: no Authorization header · garbage: `Bearer garbage` · expired: exp in the past ·
 * foreignKey: signed by a fresh RSA key under cognito-local's kid · wrongAudience: aud = another
 * client id · technician / user / contact: signed in through Cognito, in that group ·
 * delisted: a user signed in while listed, then delisted · outsider: a listed contact who is not
 * a recipient of the request in the path.
 */
const BAD_TOKENS = ['none', 'garbage', 'expired', 'foreignKey', 'wrongAudience'] as const;

/** What each route answers a caller its row in ROUTES admits, when nothing else is wrong. */
const SUCCESS = {
  health: 200,
  'portal-config': 200,
  openapi: 200,
  'put-approver': 201,
  'list-approvers': 200,
  'delete-approver': 204,
  'list-tickets': 200,
  'put-ticket': 200,
  'get-activity': 200,
  'create-approval': 201,
  'get-approval': 200,
  'cancel-approval': 204,
  'put-recipients': 200,
  'put-deadline': 200,
  'put-stage-recipients': 200,
  'send-reminder': 202,
  'list-my-approvals': 200,
  'get-my-approval': 200,
  respond: 200,
  'create-webhook': 201,
  'list-webhooks': 200,
  'get-webhook': 200,
  'delete-webhook': 204,
  'rotate-webhook-secret': 200,
  'test-webhook': 202,
  'list-webhook-deliveries': 200,
  jwks: 200,
  'get-approval-receipt': 200,
  'list-ticket-receipts': 200,
  'get-my-receipt': 200,
  'put-my-delegation': 200,
  'get-my-delegation': 200,
  'delete-my-delegation': 204,
  'put-delegation': 200,
  'get-delegation': 200,
  'delete-delegation': 204,
} as const satisfies Record<RouteName, number>;

/** An admitted approver who is not a recipient of the request in the path sees no such request. */
const FOR_OUTSIDER: Partial<Record<RouteName, number>> = { 'get-my-approval': 404, respond: 404, 'get-my-receipt': 404 };

/**
 * The row of the matrix, from the route's access in ROUTES (the table the gateway, the CDK
 * authorizer and the handlers' group check all read): a public route answers everyone; any
 * other refuses a missing or bad token with 401, a caller outside its groups with 403, and a
 * delisted approver with 403 whatever their group.
 */
function expectedRow(route: Route): Row {
  const ok = SUCCESS[route.name];
  if (route.access === 'public') return Object.fromEntries(CALLERS.map((c) => [c, ok])) as Row;
  const byGroup = (group: Group, status: number = ok) => (admits(route.access, group) ? status : 403);
  return {
    ...(Object.fromEntries(BAD_TOKENS.map((c) => [c, 401])) as Record<(typeof BAD_TOKENS)[number], number>),
    technician: byGroup('technicians'),
    user: byGroup('users'),
    contact: byGroup('contacts'),
    delisted: 403,
    outsider: byGroup('contacts', FOR_OUTSIDER[route.name] ?? ok),
  };
}

interface Probe {
  path: string;
  body?: unknown;
}

describe('authorization matrix: every route × every caller', () => {
  let technician: string;
  let user: TestApprover;
  let contact: TestApprover;
  let outsider: TestApprover;
  let bystander: TestApprover;
  let delistedId: string;
  const tokens = {} as Record<'technician' | 'user' | 'contact' | 'delisted' | 'outsider', string>;
  let badTokens: (claims: Claims) => Record<'garbage' | 'expired' | 'foreignKey' | 'wrongAudience', string>;
  /** A request where user, contact and (before delisting) delisted are recipients; outsider is not. */
  let main: { ticketId: string; requestId: string };
  /** A closed (canceled) request of user and contact, with its signed receipt. */
  let closed: { ticketId: string; requestId: string };
  /** An open request that only refused callers aim at. */
  let spare: { ticketId: string; requestId: string };
  /** A webhook endpoint (the local inbox, test events only) for the webhook routes. */
  let webhookId: string;
  const newWebhook = async () => {
    const body = { url: `${local().webhooks.inboxUrl}hooks/matrix`, events: ['webhook.test'] };
    const reply = await call('POST', '/webhooks', { token: technician, body });
    if (reply.status !== 201) throw new Error(`POST /webhooks: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id as string;
  };

  async function open(recipients: string[]) {
    const ticketId = unique('T');
    const reply = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(recipients) });
    if (reply.status !== 201) throw new Error(`POST approval: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { ticketId, requestId: reply.body.id as string };
  }

  /** A staged request: user asked in stage 1, contact waiting in stage 2. */
  async function openStaged() {
    const ticketId = unique('T');
    const { recipients: _, ...body } = ticketBody([]);
    const stages = [{ recipients: [user.approverId] }, { recipients: [contact.approverId] }];
    const reply = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: { ...body, stages } });
    if (reply.status !== 201) throw new Error(`POST staged approval: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { ticketId, requestId: reply.body.id as string };
  }

  beforeAll(async () => {
    technician = await technicianToken();
    const delisted = await newApprover(technician, 'user');
    [user, contact, outsider, bystander] = [
      await newApprover(technician, 'user'),
      await newApprover(technician, 'contact'),
      await newApprover(technician, 'contact'),
      await newApprover(technician, 'user'),
    ];
    main = await open([user.approverId, contact.approverId, delisted.approverId]);
    spare = await open([user.approverId, contact.approverId]);
    closed = await open([user.approverId, contact.approverId]);
    expect((await call('DELETE', `/tickets/${closed.ticketId}/approval`, { token: technician })).status).toBe(204);
    await waitForIdle();
    webhookId = await newWebhook();
    Object.assign(tokens, {
      technician,
      user: await user.token(),
      contact: await contact.token(),
      outsider: await outsider.token(),
      // Signed in while listed: Cognito keeps the token valid, the API must not.
      delisted: await delisted.token(),
    });
    expect((await call('DELETE', `/directory/approvers/${delisted.approverId}`, { token: technician })).status).toBe(204);
    delistedId = delisted.approverId;
    const stranger = strangerKey();
    badTokens = (claims) => ({
      garbage: 'garbage',
      expired: tokenVariants.expired(claims),
      foreignKey: tokenVariants.foreignKey(claims, stranger),
      wrongAudience: tokenVariants.wrongAudience(claims),
    });
  });

  // The endpoints made here go again (there may be only so many).
  afterAll(async () => {
    const { webhooks } = (await call('GET', '/webhooks', { token: technician })).body as { webhooks: { id: string; url: string }[] };
    for (const w of webhooks.filter((w) => w.url.endsWith('/hooks/matrix')))
      await call('DELETE', `/webhooks/${w.id}`, { token: technician });
  });

  /** The request each route gets; `fresh` when the caller may change state, so it gets fixtures of its own. */
  // A delegation a month ahead: valid, and it hands over nothing while the matrix runs.
  const awayLater = (substituteId: string, days = 30) => {
    const from = new Date(Date.now() + days * 86_400_000);
    return { substituteId, from: from.toISOString(), until: new Date(from.getTime() + 86_400_000).toISOString() };
  };
  const PROBES: Record<RouteName, (fresh: boolean, caller: CallerName) => Promise<Probe>> = {
    health: async () => ({ path: '/health' }),
    'portal-config': async () => ({ path: '/portal/config' }),
    openapi: async () => ({ path: '/openapi.json' }),
    'put-approver': async () => {
      const id = unique('m');
      return { path: `/directory/approvers/${id}`, body: { kind: 'user', email: `${id}@test.example`, name: 'Matrix Approver' } };
    },
    'list-approvers': async () => ({ path: '/directory/approvers' }),
    'delete-approver': async (fresh) => ({
      path: `/directory/approvers/${fresh ? (await newApprover(technician, 'contact')).approverId : bystander.approverId}`,
    }),
    'list-tickets': async () => ({ path: `/tickets?ids=${main.ticketId},${spare.ticketId}` }),
    'put-ticket': async (fresh) => ({
      path: `/tickets/${fresh ? (await open([user.approverId])).ticketId : main.ticketId}`,
      body: ticketBody([]).ticket,
    }),
    'get-activity': async () => ({ path: `/tickets/${main.ticketId}/activity` }),
    'create-approval': async () => ({ path: `/tickets/${unique('T')}/approval`, body: ticketBody([user.approverId, contact.approverId]) }),
    'get-approval': async () => ({ path: `/tickets/${main.ticketId}/approval` }),
    'cancel-approval': async (fresh) => ({ path: `/tickets/${(fresh ? await open([user.approverId]) : spare).ticketId}/approval` }),
    'put-recipients': async (fresh) => ({
      path: `/tickets/${(fresh ? await open([user.approverId]) : spare).ticketId}/approval/recipients`,
      body: { recipients: [user.approverId, contact.approverId] },
    }),
    'put-deadline': async (fresh) => ({
      path: `/tickets/${(fresh ? await open([user.approverId]) : spare).ticketId}/approval/deadline`,
      body: { at: new Date(Date.now() + 24 * 3600_000).toISOString(), outcome: 'decline' },
    }),
    'put-stage-recipients': async (fresh) => ({
      path: `/tickets/${(fresh ? await openStaged() : spare).ticketId}/approval/stages/2/recipients`,
      body: { recipients: [contact.approverId, bystander.approverId] },
    }),
    'send-reminder': async (fresh) => ({
      path: `/tickets/${(fresh ? await open([user.approverId, contact.approverId]) : spare).ticketId}/approval/recipients/${user.approverId}/reminders`,
    }),
    'list-my-approvals': async () => ({ path: '/portal/approvals' }),
    'get-my-approval': async () => ({ path: `/portal/approvals/${main.requestId}` }),
    respond: async (fresh) => ({
      path: `/portal/approvals/${(fresh ? await open([user.approverId, contact.approverId]) : main).requestId}/responses`,
      body: { decision: 'approve', feedback: 'Fine by me.' },
    }),
    'create-webhook': async () => ({
      path: '/webhooks',
      body: { url: `${local().webhooks.inboxUrl}hooks/matrix`, events: ['webhook.test'] },
    }),
    'list-webhooks': async () => ({ path: '/webhooks' }),
    'get-webhook': async () => ({ path: `/webhooks/${webhookId}` }),
    'delete-webhook': async (fresh) => ({ path: `/webhooks/${fresh ? await newWebhook() : webhookId}` }),
    'rotate-webhook-secret': async () => ({ path: `/webhooks/${webhookId}/secret` }),
    'test-webhook': async () => ({ path: `/webhooks/${webhookId}/test` }),
    'list-webhook-deliveries': async () => ({ path: `/webhooks/${webhookId}/deliveries` }),
    jwks: async () => ({ path: '/.well-known/jwks.json' }),
    'get-approval-receipt': async () => ({ path: `/tickets/${closed.ticketId}/approval/receipt` }),
    'list-ticket-receipts': async () => ({ path: `/tickets/${closed.ticketId}/receipts` }),
    'get-my-receipt': async () => ({ path: `/portal/approvals/${closed.requestId}/receipt` }),
    // The substitute is of the caller's kind and not the caller; contact and outsider, who name
    // each other, are away at different times (else 422 delegation_loop).
    'put-my-delegation': async (_fresh, caller) => ({
      path: '/portal/delegation',
      body:
        caller === 'contact'
          ? awayLater(outsider.approverId)
          : caller === 'outsider'
            ? awayLater(contact.approverId, 60)
            : awayLater(bystander.approverId),
    }),
    'get-my-delegation': async () => ({ path: '/portal/delegation' }),
    'delete-my-delegation': async () => ({ path: '/portal/delegation' }),
    'put-delegation': async () => ({ path: `/directory/approvers/${bystander.approverId}/delegation`, body: awayLater(user.approverId) }),
    'get-delegation': async () => ({ path: `/directory/approvers/${bystander.approverId}/delegation` }),
    'delete-delegation': async () => ({ path: `/directory/approvers/${bystander.approverId}/delegation` }),
  };

  it('gives each route the callers API.md names: technicians for tickets and the directory, approvers for their portal, anyone the contract', () => {
    const callersOf = (path: string) =>
      path === '/health' || path === '/portal/config' || path === '/openapi.json' || path === '/.well-known/jwks.json'
        ? 'public'
        : path.startsWith('/portal/approvals') || path === '/portal/delegation'
          ? ['contacts', 'users']
          : path.startsWith('/tickets') || path.startsWith('/directory/') || path.startsWith('/webhooks')
            ? ['technicians']
            : 'unknown';
    for (const route of ROUTES) {
      expect([route.name, route.access === 'public' ? 'public' : [...route.access].sort()]).toEqual([route.name, callersOf(route.path)]);
    }
  });

  it('accepts the minted tokens when nothing is wrong with them (so each 401 below is for its one defect)', async () => {
    const forTechnician = tokenVariants.valid(claimsOf(technician));
    const forUser = tokenVariants.valid(claimsOf(tokens.user));
    expect((await call('GET', '/directory/approvers', { token: forTechnician })).status).toBe(200);
    expect((await call('GET', '/portal/approvals', { token: forUser })).status).toBe(200);
  });

  it('refuses other forgeries with 401: alg none, HS256 keyed with the public key, another pool, nbf ahead, unknown kid, no exp', async () => {
    const { endpoint, userPoolId } = local().cognito;
    const publicPem = createPublicKey(cognitoLocalKey).export({ type: 'spki', format: 'pem' });
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = (header: object, claims: Claims) => `${b64(header)}.${b64(claims)}`;
    for (const [who, route] of [
      [technician, '/directory/approvers'],
      [tokens.user, '/portal/approvals'],
    ] as const) {
      const claims = { ...claimsOf(who), iat: now - 60, exp: now + 3600 };
      const hs256 = unsigned({ alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' }, claims);
      const forgeries = {
        'alg none': `${unsigned({ alg: 'none', typ: 'JWT', kid: 'CognitoLocal' }, claims)}.`,
        'HS256 with the public key': `${hs256}.${createHmac('sha256', publicPem).update(hs256).digest('base64url')}`,
        'another pool': mintToken({ ...claims, iss: `${endpoint}/${userPoolId.split('_')[0]}_SomeOther` }),
        'nbf in the future': mintToken({ ...claims, nbf: now + 600 }),
        'unknown kid': mintToken(claims, cognitoLocalKey, 'SomeOtherKid'),
        'no exp (a token that never expires)': mintToken(Object.fromEntries(Object.entries(claims).filter(([k]) => k !== 'exp'))),
      };
      const statuses = Object.fromEntries(
        await Promise.all(
          Object.entries(forgeries).map(async ([name, token]) => [name, (await call('GET', route, { token })).status] as const),
        ),
      );
      expect(statuses).toEqual(Object.fromEntries(Object.keys(forgeries).map((name) => [name, 401])));
    }
  });

  it('takes access tokens as well as ID tokens', async () => {
    const { email, password } = local().demo.technician;
    expect((await call('GET', '/directory/approvers', { token: await signIn(email, password, 'access') })).status).toBe(200);
    expect(
      (await call('GET', `/portal/approvals/${main.requestId}`, { token: await signIn(user.email, user.password, 'access') })).status,
    ).toBe(200);
    expect((await call('GET', '/portal/approvals', { token: await signIn(email, password, 'access') })).status).toBe(403);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_label, route) => {
    const expected = expectedRow(route);
    // Bad tokens carry the claims of a caller the route would otherwise accept.
    const base = claimsOf(admits(route.access, 'technicians') ? technician : tokens.user);
    const bad = badTokens(base);
    const actual = {} as Row;
    const malformed: string[] = [];
    for (const caller of CALLERS) {
      const token = caller === 'none' ? undefined : caller in bad ? bad[caller as keyof typeof bad] : tokens[caller as keyof typeof tokens];
      const probe = await PROBES[route.name](expected[caller] < 300, caller);
      const reply = await call(route.method, probe.path, {
        ...(token ? { token } : {}),
        ...(probe.body !== undefined ? { body: probe.body } : {}),
      });
      actual[caller] = reply.status;
      if (reply.status >= 400) {
        const error = reply.body?.error;
        // The delisted approver is refused as delisted on the portal, and as of the wrong group elsewhere.
        const delisted = caller === 'delisted' && route.access !== 'public' && admits(route.access, 'users');
        const code = { 401: 'unauthorized', 403: delisted ? 'delisted' : 'forbidden' }[reply.status as 401 | 403];
        if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || (code && error.code !== code)) {
          malformed.push(`${caller}: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      }
    }
    expect(actual).toEqual(expected);
    expect(malformed).toEqual([]);
  });

  it('left the delisted approver delisted and the outsider out of the request', async () => {
    const ids = (await allApprovers(technician)).map((a) => a.approverId);
    expect(ids).not.toContain(delistedId);
    expect(ids).toContain(bystander.approverId);
    const tab = await call('GET', `/tickets/${main.ticketId}/approval`, { token: technician });
    expect(tab.body.recipients.map((r: { approverId: string }) => r.approverId)).not.toContain(outsider.approverId);
    const untouched = await call('GET', `/tickets/${spare.ticketId}/approval`, { token: technician });
    expect(untouched.body.status).toBe('pending');
    expect(untouched.body.recipients.map((r: { status: string; reminders: number }) => [r.status, r.reminders])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../functions/domain/webhook-events.js';
import { admits, ROUTES } from '../../functions/handlers/routes.js';
import { LIMITS } from '../../functions/http/schemas.js';
import { addressAllowed } from '../../functions/webhooks/url-guard.js';
import { type ApiClient, createApiClient, type RawReply } from '../../tools/api-client.js';
import { unique } from '../../tools/request-body.js';
import { dumpDiff } from '../../tools/table-dump.js';
import { type PrivateStack, startPrivateStack } from '../support/private-stack.js';

/**
 * Property-based fuzzing of every route's body, path and query, as the group the route is for.
 * Whatever comes in: never a 5xx, every error is API.md's error body with a 4xx, and a refused
 * request writes nothing: the whole table (a test-only Scan) is the same after each batch of
 * refused requests as before the first. Requests that may rightly succeed (valid bodies full of
 * unicode) go to fresh ids, after the last table comparison.
 *
 * It runs on a stack of its own: the shared one's table also takes the writes of whatever other
 * test file runs at the same time (and a webhook endpoint registered here would receive only
 * this stack's events).
 */
const MAX_BODY = 256 * 1024;
/** Runs per property; FUZZ_RUNS=500 for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

// ---------------------------------------------------------------------------------------------
// Bodies: JSON with raw tokens (NaN, 1e309, deep nesting) spliced in, and one-field mutations.

/** Text that goes into the body as is, not as a JSON string: invalid JSON, or numbers JSON cannot carry. */
class Raw {
  constructor(readonly text: string) {}
  toString() {
    return `Raw(${this.text.length > 40 ? `${this.text.slice(0, 40)}…` : this.text})`;
  }
}

function serialize(body: unknown): string {
  if (body instanceof Raw) return body.text;
  const raws: string[] = [];
  const json = JSON.stringify(body, (_key, value) => (value instanceof Raw ? `\u0000RAW${raws.push(value.text) - 1}\u0000` : value));
  return (json ?? '').replace(/"\\u0000RAW(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}

type Path = (string | number)[];
// biome-ignore lint/suspicious/noExplicitAny: bodies are taken apart and broken on purpose
type Json = any;

const parentOf = (root: Json, path: Path) => path.slice(0, -1).reduce((node, key) => node[key], root);
const setAt = (root: Json, path: Path, value: unknown) => {
  if (path.length === 0) return value;
  Object.defineProperty(parentOf(root, path), path.at(-1)!, { value, enumerable: true, configurable: true, writable: true });
  return root;
};
const deleteAt = (root: Json, path: Path) => {
  delete parentOf(root, path)[path.at(-1)!];
  return root;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Raw);
const ID = /^[A-Za-z0-9._:@-]+$/;

/**
 * What the test counts as possibly valid, per field: deliberately generous, so that a value
 * outside it is invalid by API.md and schemas.ts LIMITS beyond doubt.
 */
const maybe = {
  text: (max: number) => (v: unknown) => typeof v === 'string' && v.trim().length >= 1 && v.trim().length <= max,
  id: (v: unknown) => typeof v === 'string' && ID.test(v) && v.length <= LIMITS.id,
  recipients: (min: number) => (v: unknown) =>
    Array.isArray(v) && v.length >= min && v.length <= LIMITS.recipients && v.every(maybe.id) && new Set(v).size === v.length,
  oneOf: (values: readonly unknown[]) => (v: unknown) => values.includes(v),
  email: (v: unknown) => typeof v === 'string' && v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  datetime: (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d/.test(v),
  object: (v: unknown) => isObject(v),
  count: (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= LIMITS.recipients,
  message: (v: unknown) => v === null || (typeof v === 'string' && v.trim().length <= LIMITS.message),
  conversation: (v: unknown) => Array.isArray(v) && v.length <= LIMITS.conversationEntries,
  entryBody: (v: unknown) => typeof v === 'string' && v.length <= LIMITS.conversationBody,
};

interface Field {
  path: Path;
  required: boolean;
  maybeValid: (v: unknown) => boolean;
  /** Near misses worth trying on this field besides the generic junk. */
  nearMisses?: unknown[];
}

interface BodySpec {
  base: () => Json;
  fields: Field[];
  /** Objects in the body that take no unknown key, with the keys they know. */
  strict: { path: Path; keys: string[] }[];
  /** The body may be JSON `null` (PUT …/deadline: no deadline), so `null` is no near miss. */
  nullable?: true;
}

/** Whether a body parses as JSON `null`, which a nullable body accepts. */
const isNullJson = (body: unknown) => {
  try {
    return JSON.parse(String(body)) === null;
  } catch {
    return false;
  }
};

const RAW_TOKENS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e-400',
  'undefined',
  '0x10',
  '01',
  '.5',
  '+1',
  "'x'",
  '"unterminated',
  '{',
  ']',
  '[1,]',
  '{"a":1,}',
];

/** Anything, weighted towards what breaks parsers, validators and stores. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      -1,
      -0.5,
      1.5,
      51,
      2 ** 53 + 1,
      -(2 ** 31),
      1e308,
      '',
      ' ',
      '\t\n',
      '\u0000',
      '\u200b',
      '\ufeff',
      '😀',
      'null',
      '[]',
      [],
      {},
      [null],
      [''],
    ),
  },
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }),
  fc.integer({ min: 1, max: 30_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 10_000 }).map((n) => 'é'.repeat(n)),
  fc.constantFrom(...RAW_TOKENS).map((t) => new Raw(t)),
  fc.integer({ min: 10, max: 60_000 }).map((n) => new Raw(`${'['.repeat(n)}${']'.repeat(n)}`)),
  fc.integer({ min: 10, max: 20_000 }).map((n) => new Raw(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
  fc.array(fc.string({ maxLength: 3 }), { minLength: 51, maxLength: 60 }),
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY + 4096 }).map((n) => 'x'.repeat(n)) },
);

const invalidFor = (field: Field): fc.Arbitrary<unknown> =>
  fc
    .oneof(junk, ...(field.nearMisses?.length ? [fc.constantFrom(...field.nearMisses)] : []))
    .filter((v) => v instanceof Raw || !field.maybeValid(v));

const STRANGE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'Recipients',
  'recipients ',
  '\u0000',
];

type Mutation = { kind: string; apply: (body: Json) => Json };

/** One mutation of a valid body that makes it invalid beyond doubt. */
function nearMiss(spec: BodySpec): fc.Arbitrary<Mutation> {
  const replace = fc.constantFrom(...spec.fields).chain((field) =>
    invalidFor(field).map((value) => ({
      kind: `replace ${field.path.join('.')} with ${describeValue(value)}`,
      apply: (b: Json) => setAt(b, field.path, value),
    })),
  );
  const required = spec.fields.filter((f) => f.required);
  const remove = fc
    .constantFrom(...(required.length > 0 ? required : spec.fields))
    .map((field) => ({ kind: `remove ${field.path.join('.')}`, apply: (b: Json) => deleteAt(b, field.path) }));
  const extra = fc.constantFrom(...spec.strict).chain((object) =>
    fc
      .tuple(fc.oneof(fc.constantFrom(...STRANGE_KEYS), fc.string({ unit: 'binary', maxLength: 12 })), fc.jsonValue({ maxDepth: 2 }))
      .filter(([key]) => !object.keys.includes(key))
      .map(([key, value]) => ({
        kind: `extra key ${JSON.stringify(key)} in ${object.path.join('.') || 'the body'}`,
        apply: (b: Json) => setAt(b, [...object.path, key], value),
      })),
  );
  const whole = fc.oneof(
    fc.constant({ kind: 'an empty object', apply: () => ({}) }),
    junk
      .filter((v) => v instanceof Raw || !isObject(v))
      .map((value) => ({ kind: `whole body ${describeValue(value)}`, apply: () => value })),
  );
  return fc.oneof(
    { weight: 5, arbitrary: replace },
    ...(required.length > 0 ? [{ weight: 1, arbitrary: remove }] : []),
    { weight: 2, arbitrary: extra },
    { weight: 1, arbitrary: whole },
  );
}

function describeValue(value: unknown): string {
  if (value instanceof Raw) return value.toString();
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
}

// ---------------------------------------------------------------------------------------------
// Paths and queries.

const encodeAll = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
/** Printable ASCII that may stand raw in a path segment (node:http refuses the rest). */
const RAW_PATH_CHARS = [...Array(0x7f - 0x21).keys()].map((i) => String.fromCharCode(0x21 + i)).filter((c) => !'/?#'.includes(c));

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeAll) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...RAW_PATH_CHARS), minLength: 1, maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '%00',
      'a%00b',
      '%',
      '%%',
      '%zz',
      '%E0%A4%A',
      '%C0%AF',
      '%ED%A0%80',
      '%FF%FE',
      '%2F',
      '..%2F..%2Fpackage.json',
      '%252e%252e',
      '%5C..%5C',
      'CON',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      '%20',
      '+',
      '*',
      "'",
      '%22%3E%3Cscript%3E',
      '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D',
      'a%0D%0Ab',
      '%C3%A9',
      'T%2C1',
    ),
  },
  fc.integer({ min: 100, max: 5000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 100, max: 1500 }).map((n) => '%41'.repeat(n)),
);

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
const maybeValidSegment = (s: string) => maybe.id(s) || maybe.id(decoded(s));

const queryKey = fc.oneof(
  fc.constantFrom('kind', 'ids', 'approvalStatus', 'limit', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const queryValue = (realTicket: () => string) =>
  fc.oneof(
    fc.constantFrom(
      'user',
      'contact',
      'pending',
      'partially_approved',
      'approved',
      'declined',
      'canceled',
      'USER',
      '',
      '0',
      '-1',
      '1',
      '100',
      '101',
      '1.5',
      '1e2',
      'NaN',
      'Infinity',
      ' 5',
      '0x10',
      ',',
      ',,,',
      'a,b',
      'a b',
    ),
    fc.constant(null).map(() => realTicket()),
    fc.integer({ min: 95, max: 110 }).map((n) => Array.from({ length: n }, (_, i) => `t${i}`).join(',')),
    fc.integer({ min: 120, max: 400 }).map((n) => 'x'.repeat(n)),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
const RAW_QUERY_CHARS = RAW_PATH_CHARS.filter((c) => c !== '#').concat(['/', '?']);
const rawPart = (s: string) => [...s].map((c) => (RAW_QUERY_CHARS.includes(c) ? c : encodeAll(c))).join('');
const queryString = (realTicket: () => string) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(fc.tuple(queryKey, queryValue(realTicket), fc.boolean()), { maxLength: 5 })
        .map((pairs) => pairs.map(([k, v, raw]) => (raw ? `${rawPart(k)}=${rawPart(v)}` : `${encodeAll(k)}=${encodeAll(v)}`)).join('&')),
    },
    fc.constantFrom(
      '%',
      '%zz',
      '&&&',
      '=',
      '==',
      'kind',
      'kind=',
      '=user',
      'ids=%E0%A4%A',
      'kind=user&kind=contact',
      'ids=a&ids=b',
      'limit=1&limit=2&approvalStatus=pending',
      'approvalStatus=pending&ids=x',
    ),
  );

/**
 * Idempotency-Key values, from empty to over 255 characters. Keys of 10 characters and more end
 * in a random part, so that no key is ever reused with another body (that is a 422 of its own).
 */
const idempotencyKey = fc
  .option(fc.string({ unit: fc.constantFrom(...RAW_PATH_CHARS, ' '), minLength: 0, maxLength: 300 }), { freq: 3 })
  .map((key) => (key !== null && key.length >= 10 ? `${key.slice(0, -8)}${randomBytes(4).toString('hex')}` : key));
const contentType = fc.option(
  fc.constantFrom(
    'text/plain',
    'application/octet-stream',
    'application/json; charset=utf-16',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    '',
  ),
  { freq: 2 },
);

// ---------------------------------------------------------------------------------------------

/** API.md's error body: {"error": {"code": string, "message": string, "details"?: any}}, and nothing else. */
function isApiError(reply: RawReply): boolean {
  const body = reply.body;
  if (!isObject(body) || Object.keys(body).join() !== 'error' || !isObject(body.error)) return false;
  const { code, message, ...rest } = body.error;
  return (
    typeof code === 'string' &&
    code !== '' &&
    typeof message === 'string' &&
    message !== '' &&
    Object.keys(rest).every((k) => k === 'details') &&
    String(reply.headers['content-type']).startsWith('application/json')
  );
}

function expectRefused(reply: RawReply, what: string, statuses?: number[]) {
  const context = `${what} → ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, context).toBeGreaterThanOrEqual(400);
  expect(reply.status, context).toBeLessThan(500);
  if (statuses) expect(statuses, context).toContain(reply.status);
  expect(isApiError(reply), `not API.md's error body: ${context}`).toBe(true);
}

describe('fuzzing every route: no 5xx, API.md errors, and a refused request writes nothing', () => {
  let stack: PrivateStack;
  let api: ApiClient;
  let technician: string;
  let userToken: string;
  let contactToken: string;
  let approvers: { user: string; contact: string };
  /** An open request where user and contact are recipients. */
  let fixture: { ticketId: string; requestId: string };
  let baseline: string[];

  beforeAll(async () => {
    stack = await startPrivateStack();
    api = createApiClient(stack.info);
    technician = await api.technicianToken();
    const user = await api.newApprover(technician, 'user');
    const contact = await api.newApprover(technician, 'contact');
    approvers = { user: user.approverId, contact: contact.approverId };
    userToken = await user.token();
    contactToken = await contact.token();
    fixture = await api.openRequest(technician, [user.approverId, contact.approverId]);
    // The fixture's mails go out in the background; start from a table nothing writes to any more.
    await api.waitForIdle();
    baseline = await api.dumpTable();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const tokenFor = (route: (typeof ROUTES)[number]) =>
    route.access === 'public' ? undefined : admits(route.access, 'technicians') ? technician : userToken;

  async function expectTableUnchanged() {
    const after = await api.dumpTable();
    expect(dumpDiff(baseline, after), 'a refused request changed the table').toEqual({ added: [], removed: [] });
  }

  const ticket = () => ({
    number: '4711',
    subject: 'New laptop',
    requester: { name: 'Rita Requester', email: 'rita@example.com' },
    conversation: [{ author: 'Rita Requester', body: 'My laptop broke.', at: '2026-11-24T09:00:00Z' }],
  });
  /** A deadline's fields; valid values of the right shape that break a rule (a past time) are 422, not near misses. */
  const deadlineFields = (p: Path): Field[] => [
    {
      path: [...p, 'at'],
      required: true,
      maybeValid: maybe.datetime,
      nearMisses: ['tomorrow', '2026-02-30T10:00:00Z', '2030-01-01', 17, null],
    },
    {
      path: [...p, 'outcome'],
      required: true,
      maybeValid: maybe.oneOf(['decline', 'cancel', 'escalate']),
      nearMisses: ['Decline', 'expire', '', null],
    },
    {
      path: [...p, 'escalateTo'],
      required: false,
      maybeValid: (v) => Array.isArray(v) && v.length <= LIMITS.escalateTo && v.every(maybe.id) && new Set(v).size === v.length,
      nearMisses: [null, 'u-alice', [1], ['dup-1', 'dup-1'], Array.from({ length: LIMITS.escalateTo + 1 }, (_, i) => `a${i}`)],
    },
  ];
  const ticketFields = (p: Path): Field[] => [
    { path: [...p, 'number'], required: true, maybeValid: maybe.text(64), nearMisses: ['', '   ', 4711, 'x'.repeat(65)] },
    { path: [...p, 'subject'], required: true, maybeValid: maybe.text(500), nearMisses: ['\n\t ', 'x'.repeat(501)] },
    { path: [...p, 'requester'], required: true, maybeValid: maybe.object, nearMisses: ['Rita', [], null] },
    {
      path: [...p, 'requester', 'name'],
      required: true,
      maybeValid: maybe.text(LIMITS.name),
      nearMisses: ['', 'x'.repeat(LIMITS.name + 1)],
    },
    {
      path: [...p, 'requester', 'email'],
      required: true,
      maybeValid: maybe.email,
      nearMisses: [
        '',
        'nope',
        'a@',
        '@b.example',
        'a b@c.example',
        'a@@b.example',
        'rita@example.com\n',
        `${'a'.repeat(250)}@b.example`,
        ['rita@example.com'],
      ],
    },
    {
      path: [...p, 'conversation'],
      required: false,
      maybeValid: (v) => v === undefined || maybe.conversation(v),
      nearMisses: [null, {}, 'hello'],
    },
    { path: [...p, 'conversation', 0], required: false, maybeValid: maybe.object, nearMisses: ['hello', null, []] },
    { path: [...p, 'conversation', 0, 'author'], required: true, maybeValid: maybe.text(LIMITS.name), nearMisses: ['', ' '] },
    {
      path: [...p, 'conversation', 0, 'body'],
      required: true,
      maybeValid: maybe.entryBody,
      nearMisses: [null, 'x'.repeat(LIMITS.conversationBody + 1)],
    },
    {
      path: [...p, 'conversation', 0, 'at'],
      required: true,
      maybeValid: maybe.datetime,
      nearMisses: ['yesterday', '2026-11-24', '24/11/2026 09:00', 1764000000000, '', 'now'],
    },
  ];
  const ticketStrict = (p: Path) => [
    { path: p, keys: ['number', 'subject', 'requester', 'conversation'] },
    { path: [...p, 'requester'], keys: ['name', 'email'] },
    { path: [...p, 'conversation', 0], keys: ['author', 'body', 'at'] },
  ];

  /**
   * The body of a PUT of recipients (the request's, or a stage's): a list of at least `min`
   * approver ids (the empty list a near miss where one is needed), and any further fields.
   */
  const recipientsBody = (path: () => string, min: 0 | 1, more: Field[] = []) => ({
    path,
    token: () => technician,
    base: () => ({ recipients: [approvers.user, approvers.contact] }),
    fields: [
      {
        path: ['recipients'],
        required: true,
        maybeValid: maybe.recipients(min),
        nearMisses: [
          null,
          'u-alice',
          {},
          ...(min > 0 ? [[]] : []),
          ['dup-1', 'dup-1'],
          ['has space'],
          [1],
          Array.from({ length: 51 }, (_, i) => `a${i}`),
        ],
      },
      ...more,
    ],
    strict: [{ path: [], keys: ['recipients'] }],
  });

  /** The routes with a body: the valid body, its fields, and where a request goes (fresh ids where a valid body would succeed). */
  const BODIES: Record<string, BodySpec & { path: () => string; token: () => string }> = {
    'put-approver': {
      path: () => `/directory/approvers/${unique('fz')}`,
      token: () => technician,
      base: () => ({ kind: 'user', email: `${unique('fz')}@test.example`, name: 'Fuzz Approver' }),
      fields: [
        {
          path: ['kind'],
          required: true,
          maybeValid: maybe.oneOf(['user', 'contact']),
          nearMisses: ['User', ' user', 'usér', 'technician', 'users', 'contact\u0000'],
        },
        {
          path: ['email'],
          required: true,
          maybeValid: maybe.email,
          nearMisses: ['', 'nope', 'a@', '@b.example', 'a b@c.example', 'a@@b.example', `${'a'.repeat(250)}@b.example`],
        },
        {
          path: ['name'],
          required: true,
          maybeValid: maybe.text(LIMITS.name),
          nearMisses: ['', '   ', '\u3000', 'x'.repeat(LIMITS.name + 1), ` ${'x'.repeat(LIMITS.name + 1)} `],
        },
      ],
      strict: [{ path: [], keys: ['kind', 'email', 'name'] }],
    },
    'put-ticket': {
      path: () => `/tickets/${unique('FZ')}`,
      token: () => technician,
      base: ticket,
      fields: ticketFields([]),
      strict: ticketStrict([]),
    },
    'create-approval': {
      path: () => `/tickets/${unique('FZ')}/approval`,
      token: () => technician,
      base: () => ({
        recipients: [approvers.user, approvers.contact],
        message: 'Please approve.',
        policy: { type: 'quorum', count: 1 },
        remindEveryHours: 24,
        requireDeclineReason: true,
        deadline: { at: '2030-01-01T09:00:00Z', outcome: 'decline' },
        ticket: ticket(),
      }),
      fields: [
        {
          path: ['recipients'],
          required: true,
          maybeValid: maybe.recipients(1),
          nearMisses: [
            [],
            'u-alice',
            ['dup-1', 'dup-1'],
            ['has space'],
            ['é'],
            ['a/b'],
            ['x'.repeat(LIMITS.id + 1)],
            [1],
            Array.from({ length: 51 }, (_, i) => `a${i}`),
          ],
        },
        { path: ['recipients', 0], required: false, maybeValid: maybe.id, nearMisses: ['', ' ', '..%2F', 'x'.repeat(LIMITS.id + 1)] },
        {
          path: ['message'],
          required: false,
          maybeValid: (v) => v === undefined || maybe.message(v),
          nearMisses: [42, {}, 'x'.repeat(LIMITS.message + 1)],
        },
        {
          path: ['policy'],
          required: false,
          maybeValid: (v) => v === undefined || (isObject(v) && ['all', 'any', 'quorum'].includes(v.type as string)),
          nearMisses: ['all', null, [], { type: 'most' }, {}],
        },
        { path: ['policy', 'type'], required: true, maybeValid: maybe.oneOf(['quorum']), nearMisses: ['Quorum', 'majority', '', null] },
        {
          path: ['policy', 'count'],
          required: true,
          maybeValid: maybe.count,
          nearMisses: [0, -1, -0, 1.5, 51, '1', null, new Raw('NaN'), new Raw('1e309'), new Raw('-1e309'), new Raw('1e-400'), 2 ** 53],
        },
        {
          path: ['remindEveryHours'],
          required: false,
          maybeValid: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 720,
          nearMisses: [0, -1, 721, 1.5, '24', null, new Raw('NaN'), new Raw('1e309')],
        },
        { path: ['requireDeclineReason'], required: false, maybeValid: (v) => typeof v === 'boolean', nearMisses: ['true', 1, null] },
        {
          path: ['onContentChange'],
          required: false,
          maybeValid: maybe.oneOf(['reapprove', 'keep']),
          nearMisses: ['Reapprove', 'never', '', true, null],
        },
        { path: ['deadline'], required: false, maybeValid: maybe.object, nearMisses: ['2030-01-01T09:00:00Z', [], null] },
        ...deadlineFields(['deadline']),
        { path: ['ticket'], required: true, maybeValid: maybe.object, nearMisses: ['4711', [], null] },
        ...ticketFields(['ticket']),
      ],
      strict: [
        {
          path: [],
          keys: ['recipients', 'message', 'policy', 'remindEveryHours', 'requireDeclineReason', 'deadline', 'onContentChange', 'ticket'],
        },
        { path: ['deadline'], keys: ['at', 'outcome', 'escalateTo'] },
        { path: ['policy'], keys: ['type', 'count'] },
        ...ticketStrict(['ticket']),
      ],
    },
    'put-recipients': recipientsBody(() => `/tickets/${fixture.ticketId}/approval/recipients`, 0, [
      { path: ['recipients', 0], required: false, maybeValid: maybe.id, nearMisses: ['', 'é', 'x'.repeat(LIMITS.id + 1)] },
    ]),
    'put-stage-recipients': recipientsBody(() => `/tickets/${fixture.ticketId}/approval/stages/2/recipients`, 1),
    ...Object.fromEntries(
      (
        [
          ['put-my-delegation', () => '/portal/delegation', () => userToken],
          ['put-delegation', () => `/directory/approvers/${approvers.user}/delegation`, () => technician],
        ] as const
      ).map(([name, path, token]) => [
        name,
        {
          path,
          token,
          base: () => ({ substituteId: approvers.contact, from: '2030-01-01T09:00:00Z', until: '2030-01-08T09:00:00Z', note: 'Away' }),
          fields: [
            { path: ['substituteId'], required: true, maybeValid: maybe.id, nearMisses: ['', 'has space', 'a@b.example', 1, null] },
            { path: ['from'], required: false, maybeValid: maybe.datetime, nearMisses: ['', 'tomorrow', '2030-13-01T00:00:00Z', 0, null] },
            { path: ['until'], required: true, maybeValid: maybe.datetime, nearMisses: ['', 'next week', '2030-01-32T00:00:00Z', 0, null] },
            {
              path: ['note'],
              required: false,
              maybeValid: (v: unknown) => v === null || (typeof v === 'string' && v.length <= 500),
              nearMisses: ['x'.repeat(501), 5, {}],
            },
          ],
          strict: [{ path: [], keys: ['substituteId', 'from', 'until', 'note'] }],
        },
      ]),
    ),
    'put-deadline': {
      path: () => `/tickets/${fixture.ticketId}/approval/deadline`,
      token: () => technician,
      base: () => ({ at: '2030-01-01T09:00:00Z', outcome: 'decline' }),
      fields: deadlineFields([]),
      strict: [{ path: [], keys: ['at', 'outcome', 'escalateTo'] }],
      nullable: true,
    },
    respond: {
      path: () => `/portal/approvals/${encodeURIComponent(fixture.requestId)}/responses`,
      token: () => userToken,
      base: () => ({ decision: 'approve', feedback: 'Fine by me.' }),
      fields: [
        {
          path: ['decision'],
          required: false,
          maybeValid: maybe.oneOf(['approve', 'decline']),
          nearMisses: ['Approve', 'approved', 'yes', '', true, null],
        },
        {
          path: ['feedback'],
          required: false,
          maybeValid: maybe.text(LIMITS.feedback),
          nearMisses: ['', '  ', null, 'x'.repeat(LIMITS.feedback + 1)],
        },
        {
          path: ['contentHash'],
          required: false,
          maybeValid: (v) => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v),
          nearMisses: ['sha256:', `SHA256:${'0'.repeat(64)}`, `sha256:${'g'.repeat(64)}`, `sha256:${'0'.repeat(63)}`, null, 1],
        },
      ],
      strict: [{ path: [], keys: ['decision', 'feedback', 'contentHash'] }],
    },
    // The URL of the base is valid but never registered: every body tried has another field broken.
    'create-webhook': {
      path: () => '/webhooks',
      token: () => technician,
      base: () => ({ url: 'https://hooks.example.com/signoff', events: ['approval.approved'], description: 'Fuzz' }),
      fields: [
        {
          path: ['url'],
          required: true,
          maybeValid: (v) => typeof v === 'string' && v.trim().length <= 2048 && URL.canParse(v.trim()),
          nearMisses: ['', ' ', 'not a url', '/hook', 'hooks.example.com', 'https://', `https://h.example/${'x'.repeat(2048)}`, 42, null],
        },
        {
          path: ['events'],
          required: false,
          maybeValid: (v) =>
            Array.isArray(v) &&
            v.length <= WEBHOOK_EVENT_TYPES.length &&
            v.every((t) => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(t)),
          nearMisses: ['approval.approved', null, {}, ['approval.maybe'], ['Approval.approved'], Array(8).fill('approval.approved')],
        },
        {
          path: ['events', 0],
          required: false,
          maybeValid: maybe.oneOf(WEBHOOK_EVENT_TYPES),
          nearMisses: ['', 'approval.*', '*', null, 1],
        },
        {
          path: ['description'],
          required: false,
          maybeValid: (v) => typeof v === 'string' && v.trim().length <= 500,
          nearMisses: [null, 42, 'x'.repeat(501)],
        },
      ],
      strict: [{ path: [], keys: ['url', 'events', 'description'] }],
    },
  };

  it('covers every route that takes a body', () => {
    // POST …/reminders, …/secret and …/test take no body.
    const bodiless = /\/(reminders|secret|test)$/;
    const withBody = ROUTES.filter((r) => r.method === 'PUT' || (r.method === 'POST' && !bodiless.test(r.path))).map((r) => r.name);
    expect(Object.keys(BODIES).sort()).toEqual(withBody.sort());
  });

  describe('bodies', () => {
    for (const [name, spec] of Object.entries(BODIES)) {
      const route = ROUTES.find((r) => r.name === name)!;

      it(`${route.method} ${route.path}: arbitrary JSON and non-JSON bodies are refused with 400 and write nothing`, async () => {
        const anyBody = fc.oneof(
          { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).map((v) => serialize(v)) },
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.constantFrom(
            '',
            ' ',
            '{}',
            '[]',
            'null',
            '{"__proto__": {"decision": "approve"}}',
            '{"constructor": {"prototype": {}}}',
            '\ufeff{}',
            '{"a":1,"a":2}',
          ),
        );
        await fc.assert(
          fc.asyncProperty(anyBody, contentType, idempotencyKey, async (body, type, key) => {
            fc.pre(!(spec.nullable && isNullJson(body)));
            const headers: Record<string, string> = {
              ...(type !== null ? { 'content-type': type } : {}),
              ...(key !== null ? { 'idempotency-key': key } : {}),
            };
            const reply = await api.raw(route.method, spec.path(), { token: spec.token(), body: body as string | Buffer, headers });
            expectRefused(reply, `${route.method} ${route.path} body ${describeValue(String(body))}`, [400]);
          }),
          { numRuns: RUNS },
        );
        await expectTableUnchanged();
      });

      it(`${route.method} ${route.path}: valid bodies with one field broken are refused with 400 (413 above 256 KiB) and write nothing`, async () => {
        await fc.assert(
          fc.asyncProperty(nearMiss(spec), contentType, idempotencyKey, async (mutation, type, key) => {
            const text = serialize(mutation.apply(spec.base()));
            fc.pre(!(spec.nullable && isNullJson(text)));
            const headers: Record<string, string> = {
              ...(type !== null ? { 'content-type': type } : {}),
              ...(key !== null ? { 'idempotency-key': key } : {}),
            };
            const reply = await api.raw(route.method, spec.path(), { token: spec.token(), body: text, headers });
            expectRefused(reply, `${route.method} ${route.path}: ${mutation.kind}`, [Buffer.byteLength(text) > MAX_BODY ? 413 : 400]);
          }),
          { numRuns: RUNS * 2 },
        );
        await expectTableUnchanged();
      });
    }
  });

  describe('webhook URLs', () => {
    /** Hosts the guard must refuse on this stack (which allows loopback): no public address, no loopback. */
    const notLoopbackNorPublic = (ip: string) => !addressAllowed(ip, true);
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const host = fc.oneof(
      fc.ipV4().filter(notLoopbackNorPublic),
      fc
        .ipV6()
        .filter(notLoopbackNorPublic)
        .map((ip) => `[${ip}]`),
      fc.constantFrom('169.254.169.254', '[fd00:ec2::254]', '[::ffff:10.0.0.1]', '0.0.0.0', '[::]', '10.1.2.3', '192.168.0.1'),
      // Names no lookup is made for: `.invalid`, or not a DNS name at all.
      fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join('.')}.invalid`),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((name) => `${encodeAll(name)}.invalid`),
      fc.constantFrom('a_b.example.com', '-x.example.com', `${'a'.repeat(64)}.example.com`, `${'a.'.repeat(127)}com`, 'x..example.com'),
    );
    const url = fc
      .record({
        scheme: fc.constantFrom('https', 'http', 'HTTPS', 'ftp', 'file', 'javascript', 'data', 'ws', 'gopher'),
        userinfo: fc.option(fc.constantFrom('user@', 'user:pw@', ':@', '%40@'), { freq: 4 }),
        host,
        port: fc.option(fc.constantFrom(':0', ':443', ':65535', ':65536', ':-1', ':x', ':'), { freq: 3 }),
        path: fc.oneof(
          fc.constant('/'),
          segment.map((s) => `/${s}`),
        ),
        pad: fc.constantFrom('', ' ', '\t'),
      })
      .map((u) => `${u.pad}${u.scheme}://${u.userinfo ?? ''}${u.host}${u.port ?? ''}${u.path}${u.pad}`);

    it('POST /webhooks: arbitrary URLs to private, link-local, reserved or unresolvable hosts get 400/422, never a 5xx, and write nothing', async () => {
      await fc.assert(
        fc.asyncProperty(url, fc.option(fc.subarray([...WEBHOOK_EVENT_TYPES])), async (target, events) => {
          // A host the URL parser turns into a loopback address would rightly be accepted here.
          fc.pre(
            !URL.canParse(target.trim()) ||
              !isIP(new URL(target.trim()).hostname.replace(/^\[|\]$/g, '')) ||
              notLoopbackNorPublic(new URL(target.trim()).hostname.replace(/^\[|\]$/g, '')),
          );
          const reply = await api.raw('POST', '/webhooks', { token: technician, body: { url: target, ...(events ? { events } : {}) } });
          expectRefused(reply, `POST /webhooks ${JSON.stringify(target).slice(0, 200)}`, [400, 422]);
        }),
        { numRuns: RUNS * 3 },
      );
      await expectTableUnchanged();
    });
  });

  describe('paths', () => {
    for (const route of ROUTES.filter((r) => r.path.includes('{'))) {
      it(`${route.method} ${route.path}: arbitrary path segments are refused with a 4xx and write nothing`, async () => {
        const params = route.path.match(/\{\w+\}/g)!;
        const known = () =>
          new Set([
            fixture.ticketId,
            fixture.requestId,
            approvers.user,
            approvers.contact,
            ...stack.info.demo.approvers.map((a) => a.approverId),
          ]);
        await fc.assert(
          fc.asyncProperty(
            fc.array(segment, { minLength: params.length, maxLength: params.length }),
            idempotencyKey,
            async (segments, key) => {
              fc.pre(segments.every((s) => !known().has(decoded(s))));
              let path: string = route.path;
              for (const [i, param] of params.entries()) path = path.replace(param, segments[i]!);
              // A body that would succeed only goes with a segment that cannot be an id.
              const couldSucceed =
                ['put-approver', 'put-ticket', 'create-approval'].includes(route.name) && segments.some(maybeValidSegment);
              const spec = BODIES[route.name];
              const body = spec ? (couldSucceed ? {} : spec.base()) : undefined;
              const headers: Record<string, string> = key !== null ? { 'idempotency-key': key } : {};
              const reply = await api.raw(route.method, path, { token: tokenFor(route), headers, ...(body !== undefined ? { body } : {}) });
              expectRefused(reply, `${route.method} ${path.slice(0, 200)}`);
            },
          ),
          { numRuns: RUNS },
        );
        await expectTableUnchanged();
      });
    }

    it('arbitrary paths and methods never meet a 5xx, never leave the portal folder, and write nothing', async () => {
      const prefix = fc.constantFrom('', '/tickets', '/directory/approvers', '/portal', '/portal/approvals', '/portal/assets', '/health');
      const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
      const traversal = fc.constantFrom(
        '/portal/../package.json',
        '/portal/%2e%2e/package.json',
        '/portal/..%2fpackage.json',
        '/portal/%2e%2e%2fpackage.json',
        '/portal/....//package.json',
        '/portal/%2e%2e%5cpackage.json',
        '/portal/assets/../../package.json',
        '/portal/%252e%252e/package.json',
      );
      const path = fc.oneof(
        fc.tuple(prefix, fc.array(segment, { maxLength: 4 })).map(([p, s]) => [p, ...s].join('/') || '/'),
        traversal,
      );
      await fc.assert(
        fc.asyncProperty(method, path, fc.boolean(), async (m, p, withToken) => {
          const reply = await api.raw(m, p, withToken ? { token: technician } : {});
          const context = `${m} ${p.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 200)}`;
          expect(reply.status, context).toBeLessThan(500);
          expect(reply.text, `served a file outside the portal: ${context}`).not.toContain('"name": "signoff"');
          const isStatic =
            reply.headers['content-type'] !== undefined && !String(reply.headers['content-type']).startsWith('application/json');
          if (reply.status >= 400 && m !== 'HEAD' && !isStatic) expect(isApiError(reply), `not API.md's error body: ${context}`).toBe(true);
        }),
        { numRuns: RUNS * 2 },
      );
      await expectTableUnchanged();
    });
  });

  describe('well-formed but impossible', () => {
    it('unknown approvers, an open request, an unreachable quorum, unknown tickets and recipients: 404/409/422, and nothing written', async () => {
      const unknownId = fc.stringMatching(/^[A-Za-z0-9._:@-]{1,128}$/).filter((id) => !known().has(id));
      const known = () =>
        new Set([approvers.user, approvers.contact, ...stack.info.demo.approvers.map((a) => a.approverId), fixture.ticketId]);
      const listed = fc.subarray([approvers.user, approvers.contact]);
      /** Listed approvers mixed with at least one unknown id, no id twice. */
      const withUnknown = fc
        .tuple(listed, fc.uniqueArray(unknownId, { minLength: 1, maxLength: 5 }), fc.nat())
        .map(([ok, unknown, seed]) => [...ok, ...unknown].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7)));
      const ticketBodyWith = (recipients: string[], extra: Record<string, unknown> = {}) => ({ recipients, ticket: ticket(), ...extra });
      const cases = fc.oneof(
        withUnknown.map((r) => ({
          method: 'POST',
          path: `/tickets/${unique('FZ')}/approval`,
          body: ticketBodyWith(r),
          status: 422,
          code: 'unknown_approvers',
        })),
        withUnknown.map((r) => ({
          method: 'PUT',
          path: `/tickets/${fixture.ticketId}/approval/recipients`,
          body: { recipients: r },
          status: 422,
          code: 'unknown_approvers',
        })),
        listed
          .filter((r) => r.length > 0)
          .map((r) => ({ method: 'POST', path: `/tickets/${fixture.ticketId}/approval`, body: ticketBodyWith(r), status: 409 })),
        fc
          .tuple(
            listed.filter((r) => r.length > 0),
            fc.integer({ min: 1, max: LIMITS.recipients }),
          )
          .filter(([r, count]) => count > r.length)
          .map(([r, count]) => ({
            method: 'POST',
            path: `/tickets/${unique('FZ')}/approval`,
            body: ticketBodyWith(r, { policy: { type: 'quorum', count } }),
            status: 422,
          })),
        unknownId.map((id) => ({
          method: 'POST',
          path: `/tickets/${fixture.ticketId}/approval/recipients/${id}/reminders`,
          body: undefined,
          status: 404,
        })),
        unknownId.map((id) => ({
          method: 'POST',
          path: `/tickets/${id}/approval/recipients/${approvers.user}/reminders`,
          body: undefined,
          status: 404,
        })),
        unknownId.map((id) => ({
          method: 'PUT',
          path: `/tickets/${id}/approval/recipients`,
          body: { recipients: [approvers.user] },
          status: 404,
        })),
        unknownId.map((id) => ({ method: 'DELETE', path: `/tickets/${id}/approval`, body: undefined, status: 404 })),
        unknownId.map((id) => ({ method: 'DELETE', path: `/directory/approvers/${id}`, body: undefined, status: 404 })),
        fc.string({ minLength: 1, maxLength: 400 }).map((id) => ({
          method: 'POST',
          path: `/portal/approvals/${encodeAll(id)}/responses`,
          body: { decision: 'approve' },
          status: 404,
        })),
      );
      await fc.assert(
        fc.asyncProperty(cases, idempotencyKey, async (c, key) => {
          // HTTP drops the spaces around a header value: a key of spaces arrives empty (400).
          fc.pre(key === null || (key.trim().length >= 1 && key.trim().length <= 255));
          const token = c.path.startsWith('/portal/') ? contactToken : technician;
          const headers: Record<string, string> = key !== null ? { 'idempotency-key': key } : {};
          const reply = await api.raw(c.method, c.path, { token, headers, ...(c.body !== undefined ? { body: c.body } : {}) });
          expectRefused(reply, `${c.method} ${c.path.slice(0, 200)} ${describeValue(c.body)}`, [c.status]);
          if ('code' in c) expect(reply.body.error.code).toBe(c.code);
        }),
        { numRuns: RUNS * 2 },
      );
      await expectTableUnchanged();
    });
  });

  describe('queries', () => {
    const realPath = (route: (typeof ROUTES)[number]) =>
      route.path
        .replace('{ticketId}', fixture.ticketId)
        .replace('{requestId}', encodeURIComponent(fixture.requestId))
        .replace('{approverId}', approvers.user);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      it(`GET ${route.path}: arbitrary query strings get a 2xx or an API.md 4xx, and write nothing`, async () => {
        await fc.assert(
          fc.asyncProperty(
            queryString(() => fixture.ticketId),
            fc.boolean(),
            async (query, asContact) => {
              const token = tokenFor(route) === userToken && asContact ? contactToken : tokenFor(route);
              const path = `${realPath(route)}?${query}`;
              const reply = await api.raw('GET', path, token ? { token } : {});
              const context = `GET ${path.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 300)}`;
              expect(reply.status, context).toBeLessThan(500);
              if (reply.status >= 400) expect(isApiError(reply), `not API.md's error body: ${context}`).toBe(true);
              else expect(reply.status, context).toBe(200);
            },
          ),
          { numRuns: RUNS },
        );
        await expectTableUnchanged();
      });
    }
  });

  describe('valid bodies full of unicode, to fresh ids (may succeed; no table comparison)', () => {
    const unicodeChar = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u0000', '\u202e', '\ufeff', '<', '>', '&', '"', "'", '\\', '\u2028', '😀', '👩‍👩‍👧'),
    );
    // What the API refuses in text (400) and what it strips from names and subjects (README, "Text").
    const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the API refuses
    const NOT_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the API refuses
    const NOT_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
    const INVISIBLE = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
    const shown = (s: string) => s.replace(INVISIBLE, '').trim();
    const line = (s: string) => s.replace(LONE_SURROGATES, '').replace(NOT_IN_LINE, '');
    const prose = (s: string) => s.replace(LONE_SURROGATES, '').replace(NOT_IN_PROSE, '');
    const text = (max: number) =>
      fc
        .string({ unit: unicodeChar, minLength: 1, maxLength: Math.min(max, 60) })
        .map(line)
        .filter((s) => /[^\s\u200c\u200d]/u.test(shown(s)) && s.length <= max);
    const body = (max: number) => fc.string({ unit: unicodeChar, maxLength: max }).map(prose);
    const unicodeTicket = fc.record({
      number: text(64),
      subject: text(500),
      requester: fc.record({ name: text(LIMITS.name), email: fc.constant('rita@example.com') }),
      conversation: fc.array(
        fc.record({
          author: text(LIMITS.name),
          body: body(200),
          at: fc.constant('2026-11-24T09:00:00+01:00'),
        }),
        {
          maxLength: 3,
        },
      ),
    });

    const expectOk = (reply: RawReply, status: number, what: string) =>
      expect(reply.status, `${what} → ${reply.status} ${reply.text.slice(0, 300)}`).toBe(status);

    it('refuses a name with a lone surrogate or a control character (400)', async () => {
      const bad = fc.constantFrom('\u0000', '\u001b', '\u0085', '\ud800', '\udfff');
      await fc.assert(
        fc.asyncProperty(text(LIMITS.name), bad, fc.nat(), async (name, char, at) => {
          const cut = at % (name.length + 1);
          const id = unique('fzb');
          const reply = await api.raw('PUT', `/directory/approvers/${id}`, {
            token: technician,
            body: { kind: 'contact', email: `${id}@test.example`, name: `${name.slice(0, cut)}${char}${name.slice(cut)}` },
          });
          expect(reply.status).toBe(400);
        }),
        { numRuns: 10 },
      );
    });

    it('PUT /directory/approvers/{approverId} with a unicode name', async () => {
      await fc.assert(
        fc.asyncProperty(text(LIMITS.name), async (name) => {
          const id = unique('fzu');
          const reply = await api.raw('PUT', `/directory/approvers/${id}`, {
            token: technician,
            body: { kind: 'contact', email: `${id}@test.example`, name },
          });
          expectOk(reply, 201, `name ${JSON.stringify(name)}`);
          expect(reply.body.name).toBe(shown(name));
        }),
        { numRuns: 20 },
      );
    });

    it('PUT /tickets/{ticketId} and POST /tickets/{ticketId}/approval with unicode everywhere, then GET them back', async () => {
      await fc.assert(
        fc.asyncProperty(unicodeTicket, body(200), async (snapshot, message) => {
          const ticketId = unique('FZU');
          expectOk(
            await api.raw('PUT', `/tickets/${ticketId}`, { token: technician, body: snapshot }),
            200,
            `PUT ticket ${JSON.stringify(snapshot)}`,
          );
          const created = await api.raw('POST', `/tickets/${ticketId}/approval`, {
            token: technician,
            body: { recipients: [approvers.user, approvers.contact], message, ticket: snapshot },
          });
          expectOk(created, 201, `POST approval ${JSON.stringify({ message, snapshot })}`);
          expectOk(await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician }), 200, 'GET approval');
          expectOk(await api.raw('GET', `/tickets/${ticketId}/activity`, { token: technician }), 200, 'GET activity');
          expectOk(
            await api.raw('GET', `/portal/approvals/${encodeURIComponent(created.body.id)}`, { token: contactToken }),
            200,
            'GET portal approval',
          );
        }),
        { numRuns: 15 },
      );
    });

    it('POST /portal/approvals/{requestId}/responses with unicode feedback', async () => {
      await fc.assert(
        fc.asyncProperty(
          body(60).filter((s) => s.trim().length > 0),
          fc.constantFrom(undefined, 'approve', 'decline'),
          async (feedback, decision) => {
            const { requestId } = await api.openRequest(technician, [approvers.user]);
            const reply = await api.raw('POST', `/portal/approvals/${encodeURIComponent(requestId)}/responses`, {
              token: userToken,
              body: { feedback, ...(decision ? { decision } : {}) },
            });
            expectOk(reply, 200, `feedback ${JSON.stringify(feedback)}`);
            expectOk(await api.raw('GET', '/portal/approvals', { token: userToken }), 200, 'GET my approvals');
          },
        ),
        { numRuns: 10 },
      );
    });
  });
});

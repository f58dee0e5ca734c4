import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ConflictError, UnavailableError } from '../../functions/domain/errors.js';
import type { IdempotencyStart, IdempotencyStore, StoredResponse } from '../../functions/http/idempotency.js';
import { MAX_BODY_BYTES } from '../../functions/http/middleware.js';
import { publicRoute } from '../../functions/http/public-route.js';
import { json } from '../../functions/http/responses.js';
import { routeWith } from '../../functions/http/route.js';
import { parseGroups } from '../../functions/identity/caller.js';

function event(body?: string, claims?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
    requestContext: { http: { method: 'POST', path: '/things' }, ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}) },
  } as unknown as APIGatewayProxyEventV2;
}

/** The Idempotency-Key records in memory: the http layer takes its store from outside. */
function memoryStore(): IdempotencyStore {
  const records = new Map<string, { fingerprint: string; response?: StoredResponse }>();
  return {
    async start(caller, key, fingerprint): Promise<IdempotencyStart> {
      const found = records.get(`${caller}/${key}`);
      if (!found) {
        records.set(`${caller}/${key}`, { fingerprint });
        return { state: 'started' };
      }
      return found.response
        ? { state: 'completed', fingerprint: found.fingerprint, response: found.response }
        : { state: 'in_progress', fingerprint: found.fingerprint };
    },
    async complete(caller, key, response) {
      records.set(`${caller}/${key}`, { ...records.get(`${caller}/${key}`)!, response });
    },
    async release(caller, key) {
      records.delete(`${caller}/${key}`);
    },
  };
}
const route = routeWith({ idempotency: memoryStore() });

const handler = route(
  { name: 'things', access: ['technicians'] },
  { body: v.strictObject({ name: v.pipe(v.string(), v.minLength(1)) }) },
  async ({ body, caller }) => json(200, { name: body.name, sub: caller.sub }),
);
const call = async (e: APIGatewayProxyEventV2) => {
  const result = await handler(e as never, {} as Context);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined, headers: result.headers };
};
const technician = { sub: 'u-1', 'cognito:groups': '[technicians users]' };

describe('parseGroups', () => {
  it('reads the bracketed form API Gateway passes, a single value and a real array', () => {
    expect(parseGroups('[technicians users]')).toEqual(['technicians', 'users']);
    expect(parseGroups('contacts')).toEqual(['contacts']);
    expect(parseGroups(['users'])).toEqual(['users']);
    expect(parseGroups(undefined)).toEqual([]);
  });
});

describe('route', () => {
  it('replays the first response to a repeated Idempotency-Key and runs the handler once', async () => {
    let runs = 0;
    const counting = route({ name: 'counting', access: ['technicians'] }, {}, async () => json(201, { run: ++runs }));
    const withKey = { ...event('{}', technician), headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' } };
    const first = await counting(withKey as never, {} as Context);
    const again = await counting(withKey as never, {} as Context);
    expect([first.statusCode, first.body, again.statusCode, again.body, again.headers?.['idempotent-replayed']]).toEqual([
      201,
      '{"run":1}',
      201,
      '{"run":1}',
      'true',
    ]);
    expect(runs).toBe(1);
  });

  it('hands the validated body and the caller to the handler', async () => {
    expect(await call(event('{"name":"x"}', technician))).toMatchObject({ status: 200, body: { name: 'x', sub: 'u-1' } });
  });

  it('answers 401 without claims', async () => {
    expect(await call(event('{"name":"x"}'))).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it('answers 403 to a token of another group', async () => {
    expect(await call(event('{"name":"x"}', { sub: 'u-2', 'cognito:groups': '[contacts]' }))).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
  });

  it('answers 400 to a body that is not JSON, and says so', async () => {
    expect(await call(event('{name', technician))).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it('answers 400 with the offending field when the body does not match the schema', async () => {
    const result = await call(event('{"name":1}', technician));
    expect(result).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(result.body.error.details.issues[0].path).toBe('body.name');
  });

  it('answers 413 to a body over the limit', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) });
    expect(await call(event(big, technician))).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });

  it('maps domain errors once and hides unknown ones behind a bare 500', async () => {
    const failing = (error: Error) => publicRoute({ name: 'failing', access: 'public' }, async () => Promise.reject(error));
    const conflict = await failing(new ConflictError('already_decided', 'You already approved.'))(event() as never, {} as Context);
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(conflict.body!)).toEqual({ error: { code: 'already_decided', message: 'You already approved.' } });
    const busy = await failing(new UnavailableError('Busy', 3))(event() as never, {} as Context);
    expect(busy.statusCode).toBe(503);
    expect(busy.headers?.['retry-after']).toBe('3');
    const boom = await failing(new Error('secret table name'))(event() as never, {} as Context);
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
  });

  it('answers 400 to a query parameter on a route that takes none, and runs nothing', async () => {
    let ran = false;
    const noQueryRoute = route({ name: 'no-query', access: ['technicians'] }, {}, async () => {
      ran = true;
      return json(200, {});
    });
    const result = await noQueryRoute({ ...event(undefined, technician), queryStringParameters: { foo: '1' } } as never, {} as Context);
    expect({ status: result.statusCode, body: JSON.parse(result.body as string) }).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'The request query is invalid: query.foo: is not a field this request takes',
          details: { issues: [{ path: 'query.foo', message: 'is not a field this request takes' }] },
        },
      },
    });
    expect(ran).toBe(false);
  });
});

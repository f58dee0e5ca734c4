import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, ROUTES, type RouteDefinition } from '../../functions/handlers/routes.js';
import {
  ALL_HANDLERS,
  BUNDLE_BUDGET_RATIO,
  type BundleSize,
  floorSource,
  formatBundleTable,
  measureBundles,
  REPO_ROOT,
  sdkImportsOf,
} from '../../tools/bundle-size.js';
import { type Resource, type Synthesized, synth } from './synth.js';

let sizes: Map<string, BundleSize>;
let deployed: Synthesized;

beforeAll(async () => {
  sizes = new Map((await measureBundles()).map((s) => [s.name, s]));
  deployed = synth({ stage: 'dev' });
});

afterAll(() => {
  if (sizes) console.info(`Handler bundles against their SDK floors:\n${formatBundleTable([...sizes.values()])}`);
});

function deployedBundle(name: string): string {
  const functions = deployed.template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(`^Signoff ${name} \\(`) },
  }) as Record<string, Resource>;
  const [fn] = Object.values(functions);
  const key = (fn!.Properties.Code as { S3Key: string }).S3Key;
  return join(deployed.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
}

/**
 * Imports one deployed bundle in a plain `node` (no vitest, no tsx: as Lambda loads it) and calls
 * its handler with an API Gateway payload 2.0 event; prints the result as JSON.
 */
const INVOKE = `
const [file, event] = process.argv.slice(1);
const { handler } = await import(file);
const reply = event ? await handler(JSON.parse(event), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10000 }) : typeof handler;
console.log(JSON.stringify(reply ?? null));
`;

function runBundle(name: string, event?: object): { statusCode?: number; body?: string } | string {
  const env = {
    PATH: process.env.PATH ?? '',
    LOG_LEVEL: 'SILENT',
    AWS_REGION: 'eu-west-1',
    TABLE_NAME: 'bundle-test',
    USER_POOL_ID: 'eu-west-1_bundle',
    PORTAL_CLIENT_ID: 'bundle-client',
  };
  const args = ['--input-type=module', '-e', INVOKE, pathToFileURL(deployedBundle(name)).href, ...(event ? [JSON.stringify(event)] : [])];
  return JSON.parse(execFileSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

const GROUP_CLAIMS = { technicians: '[technicians]', users: '[users]', contacts: '[contacts]' } as const;

function eventFor(route: RouteDefinition, parts: { path?: Record<string, string>; query?: Record<string, string>; groups?: string }) {
  const claims = parts.groups ? { sub: 'bundle-test-caller', 'cognito:groups': parts.groups } : undefined;
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: route.path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...(parts.path ? { pathParameters: parts.path } : {}),
    ...(parts.query ? { queryStringParameters: parts.query } : {}),
    requestContext: {
      http: { method: route.method, path: route.path },
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
  };
}

const paramsOf = (route: RouteDefinition) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

describe('the deployed bundles', () => {
  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s is synthesised as one ES module, exactly as measured', (name) => {
    const file = deployedBundle(name);
    expect(existsSync(file), file).toBe(true);
    expect(statSync(file).size).toBe(sizes.get(name)!.bytes);
  });

  it.each(ROUTES.map((r) => [r.name] as const))('%s bundles its own row of the route table and no other', (name) => {
    const code = readFileSync(deployedBundle(name), 'utf8');
    expect(ROUTES.filter((r) => code.includes(r.entry)).map((r) => r.name)).toEqual([name]);
  });

  it.each(ROUTES.filter((r) => r.access !== 'public' && paramsOf(r).length > 0).map((r) => [r.name, r] as const))(
    '%s runs in plain node and refuses a malformed path parameter with a 400 naming it',
    (_name, route) => {
      const [first, ...rest] = paramsOf(route);
      // Too long and of the wrong characters for any path parameter.
      const path = Object.fromEntries([[first!, '!'.repeat(401)], ...rest.map((p) => [p, 'fine'])]);
      const groups = GROUP_CLAIMS[(route.access as readonly (keyof typeof GROUP_CLAIMS)[])[0]!];
      const reply = runBundle(route.name, eventFor(route, { path, groups })) as { statusCode: number; body: string };
      expect(reply.statusCode).toBe(400);
      const body = JSON.parse(reply.body);
      expect(body.error.code).toBe('invalid_request');
      expect(new Set(body.error.details.issues.map((i: { path: string }) => i.path))).toEqual(new Set([`path.${first}`]));
    },
  );

  it('runs the query-only routes and refuses a bad query with a 400', () => {
    const byName = (name: string) => ROUTES.find((r) => r.name === name)!;
    const approvers = runBundle(
      'list-approvers',
      eventFor(byName('list-approvers'), { query: { kind: 'robot' }, groups: '[technicians]' }),
    );
    expect(approvers).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((approvers as { body: string }).body).error.details.issues[0].path).toBe('query.kind');
    const tickets = runBundle('list-tickets', eventFor(byName('list-tickets'), { query: {}, groups: '[technicians]' }));
    expect(JSON.parse((tickets as { body: string }).body).error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('either ids or approvalStatus'),
    });
    expect(runBundle('list-my-approvals', eventFor(byName('list-my-approvals'), { groups: '[technicians]' }))).toMatchObject({
      statusCode: 403,
    });
  });

  it('runs the public routes and answers them without a token', () => {
    const byName = (name: string) => ROUTES.find((r) => r.name === name)!;
    const health = runBundle('health', eventFor(byName('health'), {})) as { statusCode: number; body: string };
    expect([health.statusCode, JSON.parse(health.body)]).toEqual([200, { status: 'ok' }]);
    const config = runBundle('portal-config', eventFor(byName('portal-config'), {})) as { statusCode: number; body: string };
    expect(config.statusCode).toBe(200);
    expect(JSON.parse(config.body)).toMatchObject({ region: 'eu-west-1', userPoolId: 'eu-west-1_bundle', clientId: 'bundle-client' });
  });

  it('serves the committed OpenAPI document from plain node, gzipped to callers that accept it', () => {
    const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8'));
    const route = ROUTES.find((r) => r.name === 'openapi')!;
    const plain = runBundle('openapi', eventFor(route, {})) as { statusCode: number; body: string };
    expect([plain.statusCode, JSON.parse(plain.body)]).toEqual([200, committed]);
    const zipped = runBundle('openapi', { ...eventFor(route, {}), headers: { 'accept-encoding': 'gzip, br' } }) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
      isBase64Encoded: boolean;
    };
    expect([zipped.statusCode, zipped.headers['content-encoding'], zipped.isBase64Encoded]).toEqual([200, 'gzip', true]);
    expect(JSON.parse(gunzipSync(Buffer.from(zipped.body, 'base64')).toString('utf8'))).toEqual(committed);
  });

  it.each(Object.values(JOBS).map((j) => [j.name] as const))('%s loads in plain node and exports its handler', (name) => {
    expect(runBundle(name)).toBe('function');
  });

  it('runs the mail-events job in plain node, which lets a report that is no delivery problem pass', () => {
    const delay = {
      id: 'e-1',
      time: '2026-12-01T09:00:00Z',
      'detail-type': 'Email Delivery Delayed',
      detail: { eventType: 'DeliveryDelay', mail: {} },
    };
    expect(runBundle(JOBS.mailEvents.name, delay)).toBeNull();
  });
});

describe('the floors', () => {
  it('import what the handler imports from the SDK, and nothing else', () => {
    expect(sizes.get(JOBS.mailer.name)!.sdkImports).toEqual({
      '@aws-sdk/client-dynamodb': expect.arrayContaining(['DynamoDBClient']),
      '@aws-sdk/client-sesv2': ['GetAccountCommand', 'SESv2Client', 'SendEmailCommand'],
      '@aws-sdk/lib-dynamodb': expect.arrayContaining(['DynamoDBDocumentClient', 'paginateQuery', 'UpdateCommand']),
    });
    expect(Object.keys(sizes.get('put-approver')!.sdkImports)).toContain('@aws-sdk/client-cognito-identity-provider');
    expect(sizes.get('health')!.sdkImports).toEqual({});
  });

  it('read value imports and skip type-only ones', () => {
    const source = [
      "import { A, type B, C as D } from '@aws-sdk/client-x';",
      "import type { E } from '@aws-sdk/client-y';",
      "import * as z from '@aws-sdk/client-z';",
    ].join('\n');
    expect(Object.fromEntries([...sdkImportsOf(source)].map(([pkg, names]) => [pkg, [...names]]))).toEqual({
      '@aws-sdk/client-x': ['A', 'C'],
      '@aws-sdk/client-z': ['*'],
    });
    expect(floorSource({ '@aws-sdk/client-x': ['A', 'C'] })).toBe(
      "import { A as p0n0, C as p0n1 } from '@aws-sdk/client-x';\nexport default [p0n0, p0n1];",
    );
  });
});

describe(`the size budget: at most ${BUNDLE_BUDGET_RATIO}× the SDK floor`, () => {
  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s fits', (name) => {
    const size = sizes.get(name)!;
    const detail = `${name}: ${size.bytes} B against a floor of ${size.floorBytes} B`;
    if (size.hasFloor) expect(size.ratio, detail).toBeLessThanOrEqual(BUNDLE_BUDGET_RATIO);
    else expect(size.bytes - size.floorBytes, detail).toBeLessThanOrEqual(size.allowanceBytes);
    expect(size.withinBudget).toBe(true);
  });

  it('gives a handler without SDK clients the byte allowance of the smallest SDK floor', () => {
    const all = [...sizes.values()];
    const smallest = Math.min(...all.filter((s) => s.hasFloor).map((s) => s.floorBytes));
    const sdkFree = all.filter((s) => !s.hasFloor);
    expect(sdkFree.map((s) => s.name).sort()).toEqual(['health', 'openapi', 'portal-config']);
    for (const s of sdkFree) expect(s.allowanceBytes).toBe(Math.floor((BUNDLE_BUDGET_RATIO - 1) * smallest));
    for (const s of all.filter((s) => s.hasFloor)) expect(s.allowanceBytes).toBe(Math.floor((BUNDLE_BUDGET_RATIO - 1) * s.floorBytes));
  });
});

/**
 * Calls route handlers inside this process, as API Gateway would after its JWT authorizer: a
 * payload 2.0 event with the claims handed over the way HTTP API does (every claim a string).
 * No vitest here: the benchmark uses it too. Set the environment before the first call (config.ts
 * reads it once).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { JOBS, ROUTES, type RouteDefinition } from '../functions/handlers/routes.js';
import { jwtAuthorizer } from '../local/gateway-event.js';
import { createLambdaContext } from '../local/lambda-context.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface InvokeInput {
  route: string;
  /** The token's claims; none for a public route. */
  claims?: Record<string, unknown>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InvokeReply {
  status: number;
  body: Record<string, unknown> | undefined;
}

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const loaded = new Map<string, Promise<Handler>>();

export function routeNamed(name: string): RouteDefinition {
  const route = ROUTES.find((r) => r.name === name);
  if (!route) throw new Error(`no route ${name}`);
  return route;
}

/** Imports a handler module once; later calls reuse it, as a warm Lambda does. */
export function handlerOf(entry: string): Promise<Handler> {
  let loading = loaded.get(entry);
  if (!loading) {
    loading = import(pathToFileURL(resolve(ROOT, entry)).href).then((m) => m.handler as Handler);
    loaded.set(entry, loading);
  }
  return loading;
}

export function gatewayEvent(route: RouteDefinition, input: InvokeInput) {
  let rawPath = route.path;
  for (const [name, value] of Object.entries(input.pathParameters ?? {})) rawPath = rawPath.replace(`{${name}}`, encodeURIComponent(value));
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const routeKey = `${route.method} ${route.path}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'localhost', ...(input.headers ?? {}) },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'in-process',
      ...(input.claims ? { authorizer: jwtAuthorizer(input.claims) } : {}),
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'in-process' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    isBase64Encoded: false,
  };
}

/** One call of a route's handler. */
export async function invokeRoute(input: InvokeInput): Promise<InvokeReply> {
  const route = routeNamed(input.route);
  const handler = await handlerOf(route.entry);
  const result = await handler(gatewayEvent(route, input), createLambdaContext({ functionName: route.name, timeoutMs: 30_000 }));
  return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : undefined };
}

/** One run of a job's handler (a scheduled or stream-fed function), with an empty event; returns what it returns. */
export async function invokeJob(name: keyof typeof JOBS, event: unknown = {}): Promise<unknown> {
  const job = JOBS[name];
  const handler = (await handlerOf(job.entry)) as unknown as (event: unknown, context: Context) => Promise<unknown>;
  return handler(event, createLambdaContext({ functionName: job.name, timeoutMs: job.timeoutSeconds * 1000 }));
}

/**
 * Runs the Lambda handlers inside the benchmark process, pointed at the local stack, and counts
 * every DynamoDB call they make with a middleware on the one client of functions/store/client.ts.
 * The environment must be set before the first import of anything under functions/: config.ts
 * reads it once.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES } from '../functions/handlers/routes.js';
import { jwtAuthorizer } from '../local/gateway-event.js';
import { createLambdaContext } from '../local/lambda-context.js';
import type { BenchStack } from './stack.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface DynamoCall {
  command: string;
  /** Error name when the call failed (after the SDK's retries). */
  error?: string;
  /** Wall time of the call, SDK retries included. */
  ms: number;
}

export interface Invocation {
  status: number;
  body: Record<string, unknown> | undefined;
  calls: DynamoCall[];
  /** HTTP requests sent, counting the SDK's retries. */
  attempts: number;
  /** The handler's wall time (its module already imported). */
  ms: number;
}

export interface InvokeInput {
  route: string;
  claims: Record<string, unknown>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Harness {
  /** One handler call, with the DynamoDB calls it made. */
  invoke(input: InvokeInput): Promise<Invocation>;
  /** One handler call, not counted on its own (for concurrent calls inside `counting`). */
  run(input: InvokeInput): Promise<{ status: number; body: Record<string, unknown> | undefined }>;
  /** Runs work and returns the DynamoDB calls made meanwhile (by anything in this process). */
  counting<T>(work: () => Promise<T>): Promise<{ value: T; calls: DynamoCall[]; attempts: number }>;
  /** How the DocumentClient's calls were checked to pass through the counter. */
  documentClientCheck: string;
}

export async function createHarness(stack: BenchStack): Promise<Harness> {
  Object.assign(process.env, stack.handlerEnv, { LOG_LEVEL: 'ERROR' });
  const { dynamodb, documents, tableName } = await import('../functions/store/client.js');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');

  let calls: DynamoCall[] = [];
  let attempts = 0;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const call: DynamoCall = { command: String(context.commandName ?? 'unknown').replace(/Command$/, ''), ms: 0 };
      calls.push(call);
      const started = performance.now();
      try {
        return await next(args);
      } catch (error) {
        // A canceled transaction names why: ConditionalCheckFailed, TransactionConflict, …
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((r) => r.Code).filter(
          (code) => code && code !== 'None',
        );
        call.error = `${(error as Error).name}${reasons?.length ? `: ${[...new Set(reasons)].join(', ')}` : ''}`;
        throw error;
      } finally {
        call.ms = performance.now() - started;
      }
    },
    { step: 'initialize', name: 'benchCountCalls' },
  );
  // The deserialize step runs once per HTTP attempt, inside the retry middleware.
  dynamodb.middlewareStack.add(
    (next) => async (args) => {
      attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchCountAttempts' },
  );

  const counting = async <T>(work: () => Promise<T>) => {
    calls = [];
    attempts = 0;
    const value = await work();
    const seen = { value, calls, attempts };
    calls = [];
    attempts = 0;
    return seen;
  };

  // lib-dynamodb's DocumentClient takes the base client's middlewareStack object; check that
  // a DocumentClient command really passes through the counter.
  const probe = await counting(() => documents.send(new GetCommand({ TableName: tableName(), Key: { pk: 'BENCH#probe', sk: 'BENCH' } })));
  const shared = documents.middlewareStack === dynamodb.middlewareStack;
  if (probe.calls.length !== 1 || probe.calls[0]?.command !== 'GetItem') {
    throw new Error(`the counter did not see the DocumentClient's GetItem: ${JSON.stringify(probe.calls)}`);
  }
  const documentClientCheck = `DocumentClient shares the client's middleware stack (same object: ${shared}); a probe GetCommand through it was counted once as GetItem`;

  const handlers = new Map<string, Promise<Handler>>();
  const handlerOf = (name: string) => {
    const route = ROUTES.find((r) => r.name === name);
    if (!route) throw new Error(`no route ${name}`);
    let loading = handlers.get(name);
    if (!loading) {
      loading = import(pathToFileURL(resolve(ROOT, route.entry)).href).then((m) => m.handler as Handler);
      handlers.set(name, loading);
    }
    return { route, loading };
  };

  const run = async (input: InvokeInput) => {
    const { route, loading } = handlerOf(input.route);
    const handler = await loading;
    let rawPath = route.path;
    for (const [name, value] of Object.entries(input.pathParameters ?? {}))
      rawPath = rawPath.replace(`{${name}}`, encodeURIComponent(value));
    const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
    const routeKey = `${route.method} ${route.path}`;
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey,
      rawPath,
      rawQueryString,
      headers: { 'content-type': 'application/json', host: 'localhost' },
      ...(input.query ? { queryStringParameters: input.query } : {}),
      ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'bench',
        authorizer: jwtAuthorizer(input.claims),
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
      isBase64Encoded: false,
    };
    const result = await handler(event, createLambdaContext({ functionName: route.name, timeoutMs: 30_000 }));
    return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : undefined };
  };

  const invoke = async (input: InvokeInput): Promise<Invocation> => {
    await handlerOf(input.route).loading;
    const started = performance.now();
    const seen = await counting(() => run(input));
    return { ...seen.value, calls: seen.calls, attempts: seen.attempts, ms: performance.now() - started };
  };

  return { invoke, run, counting, documentClientCheck };
}

import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { InferOutput } from 'valibot';
import { ValidationError } from '../domain/errors.js';
import type { Caller } from '../identity/caller.js';
import type { Group } from '../identity/groups.js';
import { type IdempotencyStore, idempotency } from './idempotency.js';
import { authorize, errorResponse, type HttpContext, type HttpEvent, jsonBody } from './middleware.js';
import { parse, type Schema } from './validation.js';

export interface RouteOptions<B extends Schema, Q extends Schema, P extends Schema> {
  body?: B;
  query?: Q;
  params?: P;
}

export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema> {
  body: InferOutput<B>;
  query: InferOutput<Q>;
  params: InferOutput<P>;
  /** Present on every route that is not public. */
  caller: Caller;
  event: HttpEvent;
  /** Epoch ms by which the handler should have its answer: the function's timeout, less REPLY_MARGIN_MS. */
  deadline: number;
}

/** Time kept back from the function's timeout to write the reply (and the idempotency record). */
export const REPLY_MARGIN_MS = 1000;

/** What the http layer needs from outside it: the store of Idempotency-Key records. */
export interface RouteDependencies {
  idempotency: IdempotencyStore;
}

/**
 * Builds `route` on its dependencies (handlers/http-route.ts wires the store in). One HTTP route:
 * the middy stack every handler shares (error body, the group check of its row in routes.ts, JSON
 * body, Idempotency-Key) and validation of path, query and body, so a handler only does its one
 * thing. The handler carries its row's name, so a test can check every handler serves its own row.
 */
export const routeWith =
  (dependencies: RouteDependencies) =>
  <B extends Schema = Schema<undefined>, Q extends Schema = Schema<undefined>, P extends Schema = Schema<undefined>>(
    definition: { name: string; access: readonly Group[] },
    options: RouteOptions<B, Q, P>,
    handle: (input: RouteInput<B, Q, P>) => Promise<APIGatewayProxyStructuredResultV2>,
  ) => {
    const handler = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>()
      .use(errorResponse())
      .use(authorize(definition.access))
      .use(jsonBody())
      .use(idempotency(dependencies.idempotency))
      .handler(async (event, context) =>
        handle({
          params: parse(options.params, event.pathParameters ?? {}, 'path'),
          query: options.query ? parse(options.query, event.queryStringParameters ?? {}, 'query') : noQuery(event),
          body: parse(options.body, event.parsedBody, 'body'),
          caller: context.caller as Caller,
          event,
          deadline: Date.now() + (context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) - REPLY_MARGIN_MS,
        }),
      );
    // The schemas that validate this route also feed the OpenAPI generator (tools/openapi/); they cost the bundle nothing more.
    return Object.assign(handler, { routeName: definition.name, contract: options as RouteContract });
  };

/** What a handler built by route() says about its requests. */
export type RouteContract = RouteOptions<Schema, Schema, Schema>;

/** A route that takes no query string refuses one, as a route with a (strict) query schema does. */
function noQuery(event: HttpEvent): undefined {
  const names = Object.keys(event.queryStringParameters ?? {});
  if (names.length === 0) return undefined;
  const issues = names.map((name) => ({ path: `query.${name.slice(0, 40)}`, message: 'is not a field this request takes' }));
  throw new ValidationError('invalid_request', `The request query is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, {
    details: { issues },
  });
}

import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { InferOutput } from 'valibot';
import type { Caller } from '../identity/caller.js';
import type { Group } from '../identity/groups.js';
import { idempotency } from './idempotency.js';
import { authorize, errorResponse, type HttpContext, type HttpEvent, jsonBody } from './middleware.js';
import { parse, type Schema } from './validation.js';

export interface RouteOptions<B extends Schema, Q extends Schema, P extends Schema> {
  access: readonly Group[];
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
}

/**
 * One HTTP route: the middy stack every handler shares (error body, group check, JSON body)
 * and validation of path, query and body, so a handler only does its one thing.
 */
export function route<B extends Schema = Schema<undefined>, Q extends Schema = Schema<undefined>, P extends Schema = Schema<undefined>>(
  options: RouteOptions<B, Q, P>,
  handle: (input: RouteInput<B, Q, P>) => Promise<APIGatewayProxyStructuredResultV2>,
) {
  const handler = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>()
    .use(errorResponse())
    .use(authorize(options.access))
    .use(jsonBody())
    .use(idempotency())
    .handler(async (event, context) =>
      handle({
        params: parse(options.params, event.pathParameters ?? {}, 'path'),
        query: parse(options.query, event.queryStringParameters ?? {}, 'query'),
        body: parse(options.body, event.parsedBody, 'body'),
        caller: context.caller as Caller,
        event,
      }),
    );
  // The schemas that validate this route, for the OpenAPI generator (tools/openapi/); costs the bundle nothing.
  return Object.assign(handler, { contract: options as RouteOptions<Schema, Schema, Schema> });
}

/** What a handler built by route() says about its requests. */
export type RouteContract = RouteOptions<Schema, Schema, Schema>;

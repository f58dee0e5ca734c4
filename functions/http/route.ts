import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.js';
import type { Group } from '../handlers/routes.js';
import type { Caller } from '../identity/caller.js';
import { idempotency } from './idempotency.js';
import { authorize, errorResponse, type HttpContext, type HttpEvent, jsonBody } from './middleware.js';

type ZodType<T = unknown> = z.ZodMiniType<T>;

export interface RouteOptions<B extends ZodType, Q extends ZodType, P extends ZodType> {
  access: readonly Group[];
  body?: B;
  query?: Q;
  params?: P;
}

export interface RouteInput<B extends ZodType, Q extends ZodType, P extends ZodType> {
  body: z.infer<B>;
  query: z.infer<Q>;
  params: z.infer<P>;
  /** Present on every route that is not public. */
  caller: Caller;
  event: HttpEvent;
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw new ValidationError('invalid_request', `The request ${where} is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, {
    details: { issues },
  });
}

/**
 * One HTTP route: the middy stack every handler shares (error body, group check, JSON body)
 * and zod validation of path, query and body, so a handler only does its one thing.
 */
export function route<
  B extends ZodType = ZodType<undefined>,
  Q extends ZodType = ZodType<undefined>,
  P extends ZodType = ZodType<undefined>,
>(options: RouteOptions<B, Q, P>, handle: (input: RouteInput<B, Q, P>) => Promise<APIGatewayProxyStructuredResultV2>) {
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>()
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
}

export { z };

import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ForbiddenError, PayloadTooLargeError, ValidationError } from '../domain/errors.js';
import { type Caller, callerFromEvent } from '../identity/caller.js';
import type { Group } from '../identity/groups.js';
import { logger } from '../logger.js';
import { redactError } from '../redact.js';
import { statusOf, toErrorResponse } from './errors.js';

export type HttpEvent = APIGatewayProxyEventV2 & { parsedBody?: unknown };
export type HttpContext = Context & { caller?: Caller };
type Middleware = MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>;

/** The API's body limit: larger bodies get 413 before anything is parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Every error, from any middleware or the handler, becomes the API's error body here. */
export function errorResponse(): Middleware {
  const onError: Middleware['onError'] = async (request) => {
    const status = statusOf(request.error);
    if (status >= 500) logger.error('request failed', { error: redactError(request.error), routeKey: request.event.routeKey });
    else logger.info('request refused', { status, code: (request.error as { code?: string }).code, routeKey: request.event.routeKey });
    request.response = toErrorResponse(request.error);
  };
  return { onError };
}

/** The caller from the JWT authorizer's claims, and the group check: 401 without, 403 outside. */
export function authorize(access: readonly Group[]): Middleware {
  const before: Middleware['before'] = async (request) => {
    const caller = callerFromEvent(request.event as never);
    if (!caller.groups.some((g) => (access as readonly string[]).includes(g))) {
      throw new ForbiddenError('forbidden', 'Your account may not call this route.');
    }
    request.context.caller = caller;
  };
  return { before };
}

/** JSON bodies: 413 above the limit, 400 when not JSON. An empty body parses as undefined. */
export function jsonBody(): Middleware {
  const before: Middleware['before'] = async (request) => {
    const { body, isBase64Encoded } = request.event;
    if (body === undefined || body === null || body === '') return;
    const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError('payload_too_large', `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
    }
    try {
      request.event.parsedBody = JSON.parse(text);
    } catch (cause) {
      throw new ValidationError('invalid_json', 'The body is not valid JSON.', { cause });
    }
  };
  return { before };
}

import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConflictError, UnprocessableError, ValidationError } from '../domain/errors.js';
import type { IdempotencyStart, StoredResponse } from '../domain/idempotency.js';
import type { HttpContext, HttpEvent } from './middleware.js';

type Middleware = MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>;

const MUTATING = new Set(['POST', 'PUT', 'DELETE']);
const MAX_KEY_LENGTH = 255;

interface Claim {
  caller: string;
  key: string;
}
const claims = new WeakMap<object, Claim>();

export type { IdempotencyStart, StoredResponse };

/** Where the records live (store/idempotency-repository.ts; the handlers wire it in). */
export interface IdempotencyStore {
  start(caller: string, key: string, fingerprint: string): Promise<IdempotencyStart>;
  complete(caller: string, key: string, response: StoredResponse): Promise<void>;
  release(caller: string, key: string): Promise<void>;
}

/**
 * `Idempotency-Key` on POST, PUT and DELETE: a repeat with the same key and body within 24 h
 * returns the first response and runs nothing again; the same key with another body is 422.
 * Keys are scoped to the caller, so two callers never see each other's responses.
 */
export function idempotency(store: IdempotencyStore): Middleware {
  const before: Middleware['before'] = async (request) => {
    const { event, context } = request;
    const key = event.headers?.['idempotency-key'];
    if (key === undefined || !MUTATING.has(event.requestContext.http.method) || !context.caller) return;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new ValidationError('invalid_idempotency_key', `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} characters.`);
    }
    const fingerprint = createHash('sha256')
      .update(`${event.requestContext.http.method} ${event.rawPath}\n${event.body ?? ''}`)
      .digest('base64url');
    const caller = context.caller.sub;
    const start = await store.start(caller, key, fingerprint);
    if (start.state !== 'started' && start.fingerprint !== fingerprint) {
      throw new UnprocessableError('idempotency_key_reused', 'This Idempotency-Key was used with another request.');
    }
    if (start.state === 'in_progress') {
      throw new ConflictError('request_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    if (start.state === 'completed') {
      const { statusCode, headers, body } = start.response;
      return { statusCode, headers: { ...headers, 'idempotent-replayed': 'true' }, ...(body !== null ? { body } : {}) };
    }
    claims.set(request, { caller, key });
  };
  const after: Middleware['after'] = async (request) => {
    const claim = claims.get(request);
    if (!claim || !request.response) return;
    const { statusCode = 200, headers = {}, body } = request.response;
    await store.complete(claim.caller, claim.key, { statusCode, headers: headers as Record<string, string>, body: body ?? null });
  };
  const onError: Middleware['onError'] = async (request) => {
    const claim = claims.get(request);
    if (!claim) return;
    // The table may be what failed: the claim then lapses by itself (IN_PROGRESS_SECONDS), and
    // the caller must still get the error body of the first failure, not this one.
    await store.release(claim.caller, claim.key).catch(() => undefined);
  };
  return { before, after, onError };
}

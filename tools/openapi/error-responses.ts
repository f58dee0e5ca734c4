/** The error answers of a route, derived from its access, method and schemas, plus its own codes (operations.ts). */
import type { JsonSchema } from '@valibot/to-json-schema';
import type { ErrorCode } from '../../functions/http/response-schemas.js';
import type { ContractRoute } from './contract-routes.js';
import { jsonContent, ref } from './json-schemas.js';
import type { Operation } from './operations.js';

export const MUTATING = new Set(['POST', 'PUT', 'DELETE']);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The body is not JSON, or the path, query or body does not match the schema (`details.issues` names each field).',
  401: 'No token, or an expired or forged one. In AWS API Gateway itself answers `{"message": "Unauthorized"}`.',
  403: "The token's group may not call this route.",
  404: 'No such thing, or one the caller may not see.',
  409: 'The change conflicts with the current state.',
  413: 'The body is larger than 256 KiB.',
  422: 'Well-formed but impossible.',
  429: 'Too many requests: in AWS API Gateway throttles a client above 100 requests/s (its own `{"message": "Too Many Requests"}`); a route with its own limit says so with a code and `Retry-After`.',
  431: 'The request headers are too large; answered before the request reaches the API.',
  500: 'Something went wrong on our side; the caller did nothing wrong.',
  503: 'Overloaded: retry after the `Retry-After` seconds.',
};

/** The error codes a route can answer with, by status: the shared ones from its shape, plus its own. */
export function errorCodes(route: ContractRoute, operation: Operation): Map<number, ErrorCode[]> {
  const codes = new Map<number, ErrorCode[]>();
  const add = (status: number, ...more: readonly ErrorCode[]) => codes.set(status, [...new Set([...(codes.get(status) ?? []), ...more])]);
  const guarded = route.access !== 'public';
  const mutating = guarded && MUTATING.has(route.method);
  const { params, query, body } = route.contract ?? {};
  // route() validates path, query and body, and refuses a query string where it takes none.
  if (guarded || params || query || body) add(400, 'invalid_request');
  if (body || mutating) add(400, 'invalid_json');
  if (mutating) add(400, 'invalid_idempotency_key');
  if (guarded) add(401, 'unauthorized');
  if (guarded) add(403, 'forbidden');
  if (params) add(404, 'not_found');
  if (mutating) add(409, 'request_in_progress', 'concurrent_update');
  if (guarded && route.method !== 'GET') add(413, 'payload_too_large');
  if (mutating) add(422, 'idempotency_key_reused');
  for (const [status, more] of Object.entries(operation.errors ?? {})) add(Number(status), ...more);
  // The gateway's own answers: throttling (429, in AWS), headers too large (431), a timeout (503).
  add(429);
  add(431, 'headers_too_large');
  add(500, 'internal_error');
  add(503, 'unavailable');
  return new Map([...codes].sort(([a], [b]) => a - b));
}

/** Statuses API Gateway itself may answer, with its own body, before or instead of a handler. */
const GATEWAY_STATUSES = new Set([401, 413, 429, 500, 503]);

/** The error body, with `code` narrowed to what this route and status can answer. */
function errorSchema(status: number, codes: readonly ErrorCode[]): JsonSchema {
  if (codes.length === 0) return ref('GatewayError');
  const narrowed: JsonSchema = { allOf: [ref('Error'), { properties: { error: { properties: { code: { enum: [...codes] } } } } }] };
  return GATEWAY_STATUSES.has(status) ? { anyOf: [narrowed, ref('GatewayError')] } : narrowed;
}

/** The error responses of one operation, by status. */
export function errorResponses(route: ContractRoute, operation: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of errorCodes(route, operation)) {
    const list = codes.map((c) => `\`${c}\``).join(', ');
    responses[status] = {
      description: `${ERROR_DESCRIPTIONS[status] ?? 'Error.'}${list ? ` Codes: ${list}.` : ''}`,
      content: jsonContent(errorSchema(status, codes)),
    };
  }
  return responses;
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  SignoffError,
  TooManyRequestsError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from '../domain/errors.js';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyFault } from './dependency-faults.js';
import { json } from './responses.js';

/** The one place that decides which status each kind of error becomes. */
const STATUS_BY_ERROR: [abstract new (...args: never[]) => SignoffError, number][] = [
  [ValidationError, 400],
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnprocessableError, 422],
  [TooManyRequestsError, 429],
  [UnavailableError, 503],
];

export function statusOf(error: unknown): number {
  for (const [type, status] of STATUS_BY_ERROR) if (error instanceof type) return status;
  return isDependencyFault(error) ? 503 : 500;
}

/**
 * Domain errors become the API's error body with their message; anything else becomes a bare
 * 500 that says nothing about the inside.
 */
export function toErrorResponse(thrown: unknown): APIGatewayProxyStructuredResultV2 {
  // A dependency that is down or timing out is a 503 the caller may retry, never a 500.
  const error =
    !(thrown instanceof SignoffError) && isDependencyFault(thrown)
      ? new UnavailableError('A service Signoff depends on is unavailable; please retry shortly.', DEPENDENCY_RETRY_AFTER_SECONDS, {
          cause: thrown,
        })
      : thrown;
  const status = statusOf(error);
  if (status === 500 || !(error instanceof SignoffError)) {
    return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  }
  const body = { error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } };
  const response = json(status, body);
  if (error instanceof UnavailableError || error instanceof TooManyRequestsError)
    response.headers = { ...response.headers, 'retry-after': String(error.retryAfterSeconds) };
  return response;
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  SignoffError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from '../domain/errors.js';
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
  [UnavailableError, 503],
];

export function statusOf(error: unknown): number {
  for (const [type, status] of STATUS_BY_ERROR) if (error instanceof type) return status;
  return 500;
}

/**
 * Domain errors become the API's error body with their message; anything else becomes a bare
 * 500 that says nothing about the inside.
 */
export function toErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const status = statusOf(error);
  if (status === 500 || !(error instanceof SignoffError)) {
    return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  }
  const body = { error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } };
  const response = json(status, body);
  if (error instanceof UnavailableError) response.headers = { ...response.headers, 'retry-after': String(error.retryAfterSeconds) };
  return response;
}

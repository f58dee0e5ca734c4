import type { ErrorCode } from './error-codes.js';

/**
 * The one family of errors the domain, the store and the http layer share. Each names a kind
 * of fault; http/errors.ts alone decides what status a kind becomes.
 */
export interface SignoffErrorOptions {
  details?: unknown;
  cause?: unknown;
}

export abstract class SignoffError extends Error {
  /** Machine-readable code shown to API callers, from the catalogue (error-codes.ts). */
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: SignoffErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** The request is malformed: not JSON, or not matching the route's schema. */
export class ValidationError extends SignoffError {}
/** No valid token was presented. */
export class UnauthenticatedError extends SignoffError {}
/** The caller is known but may not do this. */
export class ForbiddenError extends SignoffError {}
/** The thing does not exist, or the caller may not see it. */
export class NotFoundError extends SignoffError {}
/** The change conflicts with the current state. */
export class ConflictError extends SignoffError {}
/** The body is larger than the API accepts. */
export class PayloadTooLargeError extends SignoffError {}
/** Well-formed but impossible, e.g. unknown approvers. */
export class UnprocessableError extends SignoffError {}
/** A dependency is overloaded; the caller may retry after `retryAfterSeconds`. */
export class UnavailableError extends SignoffError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options: SignoffErrorOptions = {}) {
    super('unavailable', message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
/** The caller asked too often; they may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends SignoffError {
  readonly retryAfterSeconds: number;
  constructor(code: ErrorCode, message: string, retryAfterSeconds: number, options: SignoffErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

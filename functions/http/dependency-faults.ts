/**
 * Faults of a dependency (DynamoDB, Cognito, SES) that are not the caller's and not a bug of
 * ours: the service is down, unreachable, timing out, throttling, or answering 5xx. The API
 * answers them `503 unavailable` with `Retry-After`, never a bare 500. Told apart by the
 * shape the AWS SDK and Node's sockets give them, so the http layer needs no SDK import.
 */

/** Seconds a caller should wait before retrying when a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const BUSY_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalErrorException',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const isFault = (error: ErrorShape): boolean =>
  (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) ||
  (typeof error.name === 'string' && BUSY_NAMES.has(error.name)) ||
  error.$fault === 'server' ||
  (typeof error.$metadata?.httpStatusCode === 'number' && error.$metadata.httpStatusCode >= 500);

/** True when the error (or anything in its cause chain) says a dependency is unavailable. */
export function isDependencyFault(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const shape = error as ErrorShape;
  if (isFault(shape)) return true;
  if (Array.isArray(shape.errors) && shape.errors.some((e) => isDependencyFault(e, depth + 1))) return true;
  return isDependencyFault(shape.cause, depth + 1);
}

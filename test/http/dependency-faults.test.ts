import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../functions/domain/errors.js';
import { toErrorResponse } from '../../functions/http/errors.js';

const sdkError = (name: string, fields: Record<string, unknown>) => Object.assign(new Error(name), { name, ...fields });

describe('toErrorResponse for a dependency fault', () => {
  it.each([
    ['a refused connection (service down)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
    ['a request timeout', sdkError('TimeoutError', {})],
    ['SES throttling', sdkError('TooManyRequestsException', { $fault: 'client', $metadata: { httpStatusCode: 429 } })],
    ['Cognito answering 5xx', sdkError('InternalErrorException', { $fault: 'server', $metadata: { httpStatusCode: 500 } })],
    ['a socket error wrapped as a cause', new Error('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })],
  ])('answers 503 unavailable with Retry-After for %s', (_name, error) => {
    const response = toErrorResponse(error);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body as string).error.code).toBe('unavailable');
    expect(Number(response.headers?.['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps a bare 500 for a bug of ours and the mapped status for a domain error', () => {
    expect(toErrorResponse(new TypeError('x is undefined')).statusCode).toBe(500);
    expect(toErrorResponse(sdkError('ValidationException', { $fault: 'client', $metadata: { httpStatusCode: 400 } })).statusCode).toBe(500);
    expect(toErrorResponse(new UnprocessableError('unknown_approvers', 'x')).statusCode).toBe(422);
  });
});

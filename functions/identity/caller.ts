import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthenticatedError } from '../domain/errors.js';

/** Who is calling, as the token's claims say. */
export interface Caller {
  sub: string;
  email: string | null;
  name: string | null;
  groups: string[];
  /** When the login signed in (the ID token's `auth_time`), ISO; null when the token has none. */
  authTime?: string | null;
}

/** `auth_time` is epoch seconds (a string through HTTP API); anything else reads as unknown. */
function authTimeOf(value: unknown): string | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null;
}

/**
 * API Gateway HTTP API hands every claim over as a string; an array claim such as
 * `cognito:groups` arrives as one bracketed, space-separated string ("[technicians users]").
 * A plain single value and a real array are accepted too.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner.split(/[\s,]+/).filter(Boolean);
}

export function callerFromEvent(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub === '') {
    throw new UnauthenticatedError('unauthorized', 'A valid bearer token is required.');
  }
  return {
    sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    name: typeof claims.name === 'string' ? claims.name : null,
    groups: parseGroups(claims['cognito:groups']),
    authTime: authTimeOf(claims.auth_time),
  };
}

import { NotFoundError } from './errors.js';

/**
 * The public request id: the request's key (a ULID) and its ticket id, so the portal finds the
 * request with one Query and no index. Opaque to callers; only this module reads or writes one.
 */
export function toRequestId(ticketId: string, requestKey: string): string {
  return `${requestKey}.${Buffer.from(ticketId, 'utf8').toString('base64url')}`;
}

/** The parts of a public request id; a malformed id is a request that does not exist (404). */
export function fromRequestId(requestId: string): { ticketId: string; requestKey: string } {
  const match = /^([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]+)$/.exec(requestId);
  const ticketId = match?.[2] ? Buffer.from(match[2], 'base64url').toString('utf8') : '';
  if (!match?.[1] || !ticketId) throw new NotFoundError('not_found', 'No such approval request.');
  return { ticketId, requestKey: match[1] };
}

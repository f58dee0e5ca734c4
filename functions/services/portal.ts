import { assertBoundTo } from '../domain/approval-request.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import { assertSeen } from '../domain/stages.js';
import type { ApprovalRequest, Recipient, SignedInAs } from '../domain/types.js';
import type { Caller } from '../identity/caller.js';
import { loadRequest } from '../store/approval-repository.js';
import { listApproverRequests } from '../store/approver-requests.js';
import { getLogin } from '../store/directory-repository.js';
import { PAGE } from '../store/paging.js';

/** The approver a portal token speaks for, and the login behind it (what a response records). */
export interface PortalSession {
  approverId: string;
  signedInAs: SignedInAs;
  authTime: string | null;
}

/**
 * The approver behind a portal token, checked against the directory on every call: Cognito
 * keeps issued tokens valid after delisting, so the directory is the authority.
 */
export async function approverOf(caller: Caller): Promise<PortalSession> {
  const login = await getLogin(caller.sub);
  if (!login) throw new ForbiddenError('not_an_approver', 'This account is not a listed approver.');
  if (!login.listed) throw new ForbiddenError('delisted', 'This approver is no longer listed.');
  return { approverId: login.approverId, signedInAs: { sub: caller.sub, email: caller.email }, authTime: caller.authTime ?? null };
}

/** The request as this login's place on it; 404 when it has none, or the place is another login's (a re-listed id). */
export async function requestFor(
  requestId: string,
  session: PortalSession,
  options: { conversation?: boolean } = {},
): Promise<{ request: ApprovalRequest; recipient: Recipient }> {
  const request = await loadRequest(requestId, options);
  const recipient = request?.recipients.find((r) => r.approverId === session.approverId);
  if (!request || !recipient) throw new NotFoundError('not_found', 'No such approval request.');
  // A later stage's recipient does not see the request until their stage starts.
  assertSeen(request, recipient);
  assertBoundTo(recipient, session.signedInAs.sub);
  return { request, recipient };
}

/**
 * "My approvals": those still waiting on me first, then the others, newest first within each,
 * a page at a time; an open request is never behind a page of closed ones.
 */
export async function myApprovals(session: PortalSession, page: { limit?: number | undefined; next?: string | undefined } = {}) {
  return listApproverRequests(session.approverId, page.limit ?? PAGE.max, page.next, session.signedInAs.sub);
}

export async function myApproval(requestId: string, session: PortalSession) {
  return requestFor(requestId, session);
}

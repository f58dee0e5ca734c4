import { assertBoundTo, respond } from '../domain/approval-request.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import { quickAnswerOf } from '../domain/quick-answer.js';
import { assertSeen } from '../domain/stages.js';
import type { ApprovalRequest, Recipient, SignedInAs } from '../domain/types.js';
import type { Caller } from '../identity/caller.js';
import { baseVersions } from '../store/approval-records.js';
import { loadConversation, loadRequest, QuickAnswerRefused, saveChange, saveQuickAnswer } from '../store/approval-repository.js';
import { listApproverRequests } from '../store/approver-requests.js';
import { getLogin } from '../store/directory-repository.js';
import { PAGE } from '../store/paging.js';
import { retryOnStaleState, StaleStateError, TransactionConflictError } from '../store/transaction.js';
import { approverActor } from './actors.js';

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

/**
 * Records an answer. The first try reads the request, its recipients and its conversation in one
 * Query (the reply shows the conversation; the answer never depends on it). A try after losing
 * a race to another approver reads without the conversation, so it costs little, and the
 * conversation is then read once, for the reply. `deadline` (epoch ms) is when the caller must
 * have its answer: past it, losing to other approvers ends in 409 concurrent_update, never a timeout.
 *
 * Most answers are written quickly (domain/quick-answer.ts), without the request's version, so
 * approvers answering at once do not fail one another. When a quick write is refused only
 * because another approval came first (the request is `partially_approved` now, nothing else
 * changed), the answer is decided again on what the refusal returned, without a read; when the
 * request needs one more approval it is this one's to complete, read afresh and written whole.
 */
/** Same-moment transaction conflicts (AWS) a quick answer rides out by writing again, before it reads afresh. */
const QUICK_CONFLICT_RETRIES = 5;

export async function recordResponse(
  requestId: string,
  session: PortalSession,
  answer: { decision?: 'approve' | 'decline' | undefined; feedback?: string | undefined; contentHash?: string | undefined },
  options: { deadline?: number } = {},
) {
  const { approverId } = session;
  let tries = 0;
  let whole = false;
  const saved = await retryOnStaleState(
    async () => {
      const withConversation = tries++ === 0;
      let { request, recipient } = await requestFor(requestId, session, { conversation: withConversation });
      // Whether `request` was rebuilt from a refusal: its other recipients' answers are then out
      // of date, so only a quick answer (which writes none of them) may be written on it.
      let rebuilt = false;
      let conflicts = 0;
      for (;;) {
        const change = respond({
          request,
          approverId,
          ...answer,
          respondent: { signedInAs: session.signedInAs, authTime: session.authTime },
          actor: approverActor(approverId, recipient.name),
          now: new Date().toISOString(),
        });
        // An item written before quick answers has no baseVersion: its first answer is written whole.
        const quick = whole || !baseVersions.has(request) ? null : quickAnswerOf(change, approverId);
        const after = {
          request: change.after,
          recipient: change.after.recipients.find((r) => r.approverId === approverId)!,
          withConversation,
        };
        if (!quick) {
          if (rebuilt) throw new StaleStateError();
          await saveChange(change);
          return after;
        }
        try {
          await saveQuickAnswer(change, quick);
          return after;
        } catch (error) {
          // In AWS, another answer's transaction on the same items at that very moment: the same
          // write again, after a few milliseconds, without a read.
          if (error instanceof TransactionConflictError && conflicts++ < QUICK_CONFLICT_RETRIES) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * conflicts));
            continue;
          }
          if (!(error instanceof QuickAnswerRefused)) throw error;
          const now = error.now;
          const base = baseVersions.get(request);
          // Anything but other approvals moved the request: read it again.
          if (!now || now.baseVersion !== base || now.status !== 'partially_approved') throw error;
          if ((now.approvalsToGo ?? 0) <= 1) {
            // This approval completes the request: written whole, after a fresh read.
            whole = true;
            throw error;
          }
          // Only other approvals came first: decide again on the request as it is now.
          const next: ApprovalRequest = { ...request, status: now.status, version: now.version };
          baseVersions.set(next, base);
          request = next;
          recipient = next.recipients.find((r) => r.approverId === approverId)!;
          rebuilt = true;
        }
      }
    },
    options.deadline === undefined ? {} : { deadline: options.deadline },
  );
  if (saved.withConversation) return { request: saved.request, recipient: saved.recipient };
  const conversation = await loadConversation(requestId);
  const request = conversation ? { ...saved.request, ticket: { ...saved.request.ticket, conversation } } : saved.request;
  return { request, recipient: saved.recipient };
}

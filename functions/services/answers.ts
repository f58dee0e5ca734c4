import { assertBoundTo, respond } from '../domain/approval-request.js';
import { SignoffError, UnavailableError } from '../domain/errors.js';
import { quickAnswerOf } from '../domain/quick-answer.js';
import { assertSeen } from '../domain/stages.js';
import type { ApprovalRequest, Recipient } from '../domain/types.js';
import type { Caller } from '../identity/caller.js';
import { baseVersions } from '../store/approval-records.js';
import { loadConversation, loadRequest, QuickAnswerRefused, saveChange, saveQuickAnswer } from '../store/approval-repository.js';
import { LoginNotConfirmed, loginCheck } from '../store/directory-repository.js';
import { retryOnStaleState, StaleStateError, TransactionConflictError, type TxWrite } from '../store/transaction.js';
import { approverActor } from './actors.js';
import { approverOf, type PortalSession, requestFor } from './portal.js';

export interface Answer {
  decision?: 'approve' | 'decline' | undefined;
  feedback?: string | undefined;
  contentHash?: string | undefined;
}

/** Same-moment transaction conflicts (AWS) a quick answer rides out by writing again, before it reads afresh. */
const QUICK_CONFLICT_RETRIES = 5;

/** The token-first try cannot settle the answer by itself: the directory is read first, as on every other route. */
class ReadTheDirectory extends Error {}

/**
 * Records a portal answer. The usual way reads the caller's login (the directory is the
 * authority: Cognito keeps tokens valid after delisting), then the request, then writes.
 *
 * Tried first: the request is read at once and the caller's place on it found by the token
 * alone (the login already bound to it, or an unbound place with the token's email; one and
 * only one), and the answer's transaction checks the login item itself (listed, and that
 * approver). So an answer costs a Query and a transaction, and it is still recorded only for a
 * listed approver, at the moment of the write. Whenever that try finds nothing certain (no
 * email, no single place, any refusal by the domain, a failed login check) nothing was written
 * and the usual way runs, so every error a caller sees comes after the directory was read,
 * exactly as before.
 */
export async function answerAs(requestId: string, caller: Caller, answer: Answer, options: { deadline?: number } = {}) {
  try {
    return await answerByToken(requestId, caller, answer, options);
  } catch (error) {
    if (!(error instanceof ReadTheDirectory)) throw error;
  }
  return recordResponse(requestId, await approverOf(caller), answer, options);
}

async function answerByToken(requestId: string, caller: Caller, answer: Answer, options: { deadline?: number }) {
  const email = caller.email?.toLowerCase();
  if (!email) throw new ReadTheDirectory();
  try {
    const request = await loadRequest(requestId);
    const bound = request?.recipients.filter((r) => r.loginSub === caller.sub) ?? [];
    const places =
      bound.length > 0 ? bound : (request?.recipients.filter((r) => r.loginSub === null && r.email.toLowerCase() === email) ?? []);
    if (!request || places.length !== 1) throw new ReadTheDirectory();
    const recipient = places[0]!;
    assertSeen(request, recipient);
    assertBoundTo(recipient, caller.sub);
    const session: PortalSession = {
      approverId: recipient.approverId,
      signedInAs: { sub: caller.sub, email: caller.email },
      authTime: caller.authTime ?? null,
    };
    return await recordResponse(requestId, session, answer, {
      ...options,
      read: { request, recipient },
      extra: [loginCheck(caller.sub, recipient.approverId)],
    });
  } catch (error) {
    // Busy (throttled, or the ticket's events wait for the dispatcher): the same 503 the usual way
    // would meet, at twice the load; told at once. It says nothing of the caller or the request.
    if (error instanceof UnavailableError) throw error;
    // Nothing was written: a malformed id, refusals and a login that is not that listed approver
    // are told the usual way, after the directory.
    if (error instanceof SignoffError && !(error instanceof StaleStateError)) throw new ReadTheDirectory();
    if (error instanceof LoginNotConfirmed) throw new ReadTheDirectory();
    throw error;
  }
}

/**
 * Records an answer for a session's approver. The first try reads the request, its recipients
 * and its conversation in one Query (the reply shows the conversation; the answer never depends
 * on it), unless the caller read it already (`read`). A try after losing a race to another
 * approver reads without the conversation, so it costs little, and the conversation is then read
 * once, for the reply. `deadline` (epoch ms) is when the caller must have its answer: past it,
 * losing to other approvers ends in 409 concurrent_update, never a timeout. `extra` writes go
 * into the answer's transaction (answerAs: the login check).
 *
 * Most approvals are written quickly (domain/quick-answer.ts), without the request's version, so
 * approvers answering at once do not fail one another. When a quick write is refused only
 * because another approval came first (the request is `partially_approved` now, nothing else
 * changed), the answer is decided again on what the refusal returned, without a read; when the
 * request needs one more approval it is this one's to complete, read afresh and written whole.
 */
export async function recordResponse(
  requestId: string,
  session: PortalSession,
  answer: Answer,
  options: { deadline?: number; read?: { request: ApprovalRequest; recipient: Recipient }; extra?: TxWrite[] } = {},
) {
  const { approverId } = session;
  const extra = options.extra ?? [];
  let tries = 0;
  let whole = false;
  const saved = await retryOnStaleState(
    async () => {
      const withConversation = tries++ === 0;
      let { request, recipient } =
        withConversation && options.read ? options.read : await requestFor(requestId, session, { conversation: withConversation });
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
          await saveChange(change, { extra });
          return after;
        }
        try {
          await saveQuickAnswer(change, quick, extra);
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

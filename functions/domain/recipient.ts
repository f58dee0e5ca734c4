import type { Approver, Recipient } from './types.js';

/** A recipient as first asked: pending, not yet mailed. Feedback given before (re-added) is kept. */
export function newRecipient(approver: Approver, now: string, feedback: Recipient['feedback'] = []): Recipient {
  return {
    approverId: approver.approverId,
    kind: approver.kind,
    name: approver.name,
    email: approver.email,
    status: 'pending',
    addedAt: now,
    respondedAt: null,
    feedback,
    sentAt: null,
    mailError: null,
    deliveryProblem: null,
    remindedAt: null,
    reminders: 0,
    contentHash: null,
    signedInAs: null,
    authTime: null,
    staleApproval: null,
    loginSub: approver.loginSub ?? null,
  };
}

/**
 * Who the recipient is, where their answer stands and whose place they hold: the fields the store
 * keeps as the recipient's own (store/approval-records.ts) and the API shows (http/views.ts). A
 * field added here is shown by the API; one that must not be (loginSub) stays out.
 */
export function recipientStanding(r: Recipient) {
  return {
    approverId: r.approverId,
    kind: r.kind,
    name: r.name,
    email: r.email,
    status: r.status,
    respondedAt: r.respondedAt,
    feedback: r.feedback,
    remindedAt: r.remindedAt,
    reminders: r.reminders,
    contentHash: r.contentHash,
    signedInAs: r.signedInAs,
    authTime: r.authTime,
    staleApproval: r.staleApproval,
    onBehalfOf: r.onBehalfOf ?? null,
    delegatedTo: r.delegatedTo ?? null,
    answeredBy: r.answeredBy ?? null,
  };
}

export const addHours = (iso: string, hours: number) => new Date(new Date(iso).getTime() + hours * 3600_000).toISOString();

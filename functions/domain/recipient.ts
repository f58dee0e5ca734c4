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

export const addHours = (iso: string, hours: number) => new Date(new Date(iso).getTime() + hours * 3600_000).toISOString();

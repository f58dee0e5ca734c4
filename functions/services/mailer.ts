import * as config from '../config.js';
import { activity } from '../domain/activity.js';
import { backoffMs, MAIL_RETRY } from '../domain/backoff.js';
import { isOpen } from '../domain/policy.js';
import { fromRequestId } from '../domain/request-id.js';
import type { ApprovalRequest } from '../domain/types.js';
import { logger } from '../logger.js';
import { renderMail } from '../mail/render.js';
import { sendMail } from '../mail/ses.js';
import { mailTags } from '../mail/tags.js';
import { redact } from '../redact.js';
import { loadRequest } from '../store/approval-repository.js';
import {
  claimOutbox,
  completeOutbox,
  markMailDone,
  type OutboxEntry,
  type OutboxMail,
  recordMailFailure,
  recordSentMails,
} from '../store/outbox-repository.js';
import { SYSTEM_MAILER } from './actors.js';
import { eachWithConcurrency } from './concurrency.js';

/** When a failed entry is due again: MAIL_RETRY's backoff (30 s doubling, at most 6 h, never given up). */
export function nextAttemptAt(attempts: number, now: Date): Date {
  return new Date(now.getTime() + backoffMs(MAIL_RETRY, attempts));
}

/** A mail no longer wanted: its recipient was removed, or the request canceled (or, for a reminder, closed). */
function isObsolete(mail: OutboxMail, request: ApprovalRequest | null): boolean {
  const recipient = request?.recipients.find((r) => r.approverId === mail.approverId);
  if (!request || !recipient || recipient.status === 'removed' || recipient.status === 'expired' || request.status === 'canceled')
    return true;
  // A place its other holder (delegator or substitute) settled before this mail left needs no answer.
  if (recipient.answeredBy) return true;
  return mail.kind === 'reminder' && (!isOpen(request.status) || recipient.status !== 'pending');
}

export type DeliveryOutcome = 'done' | 'retry-later' | 'not-claimed';

/**
 * Drains one outbox entry: claims it (so nobody else sends it meanwhile), sends each mail not
 * yet done and records it the moment it leaves, then completes the entry, or, after a failed
 * send, records the error and makes the entry due again.
 */
export async function deliverOutbox(id: string, now = new Date()): Promise<DeliveryOutcome> {
  const entry = await claimOutbox(id, now);
  if (!entry) return 'not-claimed';
  const request = await loadRequest(entry.requestId);
  const { requestKey } = fromRequestId(entry.requestId);
  const failures: { mail: OutboxMail; error: Error }[] = [];
  const mails = entry.mails.map((mail) => ({ ...mail }));
  const pending = mails.map((mail, index) => ({ mail, index })).filter(({ mail }) => !mail.doneAt);
  await eachWithConcurrency(pending, 8, async ({ mail, index }) => {
    const at = new Date().toISOString();
    if (isObsolete(mail, request)) {
      await markMailDone(entry, index, 'skipped', at);
      return;
    }
    const recipient = request!.recipients.find((r) => r.approverId === mail.approverId)!;
    let messageId: string;
    try {
      messageId = await sendMail(
        recipient.email,
        renderMail({ kind: mail.kind, request: request!, recipient, portalUrl: config.portalUrl() }),
        mailTags({ ticketId: entry.ticketId, requestKey, approverId: mail.approverId, mail: mail.kind }),
        request!.requestedBy.email,
      );
    } catch (error) {
      failures.push({ mail, error: error as Error });
      return;
    }
    await markMailDone(entry, index, 'sent', at, messageId);
    Object.assign(mail, { doneAt: at, outcome: 'sent', messageId });
  });
  // Everything sent and not yet on the recipients and in the log, this attempt's or a crashed one's.
  const unrecorded = mails.flatMap((mail, index) => {
    if (mail.outcome !== 'sent' || mail.recordedAt || !mail.doneAt) return [];
    const email = request?.recipients.find((r) => r.approverId === mail.approverId)?.email ?? '';
    const event = activity(
      'mail_sent',
      { at: mail.doneAt, actor: SYSTEM_MAILER, requestId: entry.requestId },
      { approverId: mail.approverId, mail: mail.kind, email },
    );
    return [{ index, mail, at: mail.doneAt, event }];
  });
  await recordSentMails(entry, unrecorded);
  if (failures.length === 0) {
    await completeOutbox(entry, new Date());
    return 'done';
  }
  await recordFailures(entry, failures, now);
  return 'retry-later';
}

async function recordFailures(entry: OutboxEntry, failures: { mail: OutboxMail; error: Error }[], now: Date): Promise<void> {
  const attempts = entry.attempts + 1;
  const due = nextAttemptAt(attempts, now);
  for (const { mail, error } of failures) {
    const message = `${error.name}: ${error.message}`.slice(0, 500);
    logger.warn('mail failed; will retry', {
      outboxId: entry.id,
      approverId: mail.approverId,
      attempts,
      error: redact(message),
      retryAt: due.toISOString(),
    });
    const event = activity(
      'mail_failed',
      { at: now.toISOString(), actor: SYSTEM_MAILER, requestId: entry.requestId },
      { approverId: mail.approverId, mail: mail.kind, error: message, attempts },
    );
    await recordMailFailure(entry, mail.approverId, message, now, due, [event]);
  }
}

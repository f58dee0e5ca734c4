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
  claimMail,
  claimOutbox,
  completeOutbox,
  loadOutboxMails,
  markMailDone,
  type OutboxEntry,
  type OutboxMail,
  recordMailFailure,
  recordSentMails,
  releaseOutbox,
} from '../store/outbox-repository.js';
import { SYSTEM_MAILER } from './actors.js';
import { eachWithConcurrency } from './concurrency.js';

/** When a failed entry is due again: MAIL_RETRY's backoff (30 s doubling, at most 6 h, never given up). */
export function nextAttemptAt(attempts: number, now: Date): Date {
  return new Date(now.getTime() + backoffMs(MAIL_RETRY, attempts));
}

/**
 * A mail no longer wanted: its recipient was removed, or the request canceled (or, for a reminder
 * or a "changed, approve again", closed, or the recipient answered meanwhile).
 */
function isObsolete(mail: OutboxMail, request: ApprovalRequest | null): boolean {
  const recipient = request?.recipients.find((r) => r.approverId === mail.approverId);
  if (!request || !recipient || recipient.status === 'removed' || recipient.status === 'expired' || request.status === 'canceled')
    return true;
  // A place its other holder (delegator or substitute) settled before this mail left needs no answer.
  if (recipient.answeredBy) return true;
  return mail.kind !== 'request' && (!isOpen(request.status) || recipient.status !== 'pending');
}

export type DeliveryOutcome = 'done' | 'retry-later' | 'not-claimed';

/** How long a mail's claim holds: far longer than a send (a paced one included) takes. */
const MAIL_CLAIM_SECONDS = 300;

/** Sends in flight for one entry: enough to keep up with the paced rate while SES answers (~100 ms a send). */
const SENDS_IN_FLIGHT = 16;

/**
 * Drains one outbox entry: claims it (so the stream and the sweeper do not work on it at once),
 * then, for each mail not yet done and in parallel, claims the mail on its own item, sends it
 * (paced to SES's rate) and marks it done the moment it left; records the sent mails on their
 * recipients and in the activity log; then completes the entry, or, after a failed send (or a
 * mail another sender still holds), records the error and makes the entry due again.
 */
export async function deliverOutbox(id: string, now = new Date()): Promise<DeliveryOutcome> {
  const entry = await claimOutbox(id, now);
  if (!entry) return 'not-claimed';
  const [request, mails] = await Promise.all([loadRequest(entry.requestId), loadOutboxMails(entry)]);
  const { requestKey } = fromRequestId(entry.requestId);
  const failures: { mail: OutboxMail; error: Error }[] = [];
  let heldElsewhere = 0;
  await eachWithConcurrency(
    mails.filter((mail) => !mail.doneAt),
    SENDS_IN_FLIGHT,
    async (mail) => {
      const at = new Date().toISOString();
      if (isObsolete(mail, request)) {
        await markMailDone(entry, mail.index, 'skipped', at);
        Object.assign(mail, { doneAt: at, outcome: 'skipped' });
        return;
      }
      if (!(await claimMail(entry, mail.index, now, MAIL_CLAIM_SECONDS))) {
        heldElsewhere++;
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
      await markMailDone(entry, mail.index, 'sent', at, messageId);
      Object.assign(mail, { doneAt: at, outcome: 'sent', messageId });
    },
  );
  // Everything sent and not yet on the recipients and in the log, this attempt's or a crashed one's.
  const unrecorded = mails.flatMap((mail) => {
    if (mail.outcome !== 'sent' || mail.recordedAt || !mail.doneAt) return [];
    const email = request?.recipients.find((r) => r.approverId === mail.approverId)?.email ?? '';
    const event = activity(
      'mail_sent',
      { at: mail.doneAt, actor: SYSTEM_MAILER, requestId: entry.requestId },
      { approverId: mail.approverId, mail: mail.kind, email },
    );
    return [{ mail, at: mail.doneAt, event }];
  });
  await recordSentMails(entry, unrecorded);
  if (failures.length === 0 && heldElsewhere === 0) {
    await completeOutbox(entry, new Date());
    return 'done';
  }
  if (failures.length === 0) {
    // Another sender holds a mail (or crashed holding it): look again once its claim can have run out.
    await releaseOutbox(entry, new Date(now.getTime() + MAIL_CLAIM_SECONDS * 1000));
    return 'retry-later';
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
    await recordMailFailure(entry, mail, message, now, due, [event]);
  }
}

import * as config from '../config.js';
import { activity } from '../domain/activity.js';
import { backoffMs, MAIL_RETRY } from '../domain/backoff.js';
import { isOpen } from '../domain/policy.js';
import { fromRequestId } from '../domain/request-id.js';
import type { ApprovalRequest } from '../domain/types.js';
import { logger } from '../logger.js';
import { renderMail } from '../mail/render.js';
import { NoSendSlot } from '../mail/send-pacing.js';
import { SES_CONNECT_TIMEOUT_MS, SES_REQUEST_TIMEOUT_MS, sendMail } from '../mail/ses.js';
import { mailTags } from '../mail/tags.js';
import { redact } from '../redact.js';
import { loadRequest } from '../store/approval-repository.js';
import {
  claimMail,
  claimOutbox,
  completeOutbox,
  loadOutboxMails,
  markMailDone,
  markSentAndRecord,
  type OutboxEntry,
  type OutboxMail,
  recordMailFailure,
  recordSentMails,
  releaseOutbox,
  SENT_PER_TRANSACTION,
  type SentMail,
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

/** `stopped`: stopClaiming was called; the entry (or what is left of it) stays due at once. */
export type DeliveryOutcome = 'done' | 'retry-later' | 'not-claimed' | 'stopped';

/** One SES attempt at most: connecting, then the answer. */
const SEND_ATTEMPT_MS = SES_CONNECT_TIMEOUT_MS + SES_REQUEST_TIMEOUT_MS;

/**
 * How long a mail's claim holds. A claim is taken (or renewed) once the pacing token is in hand,
 * right before each SendEmail attempt, so it covers one attempt (at most SES_CONNECT_TIMEOUT_MS +
 * SES_REQUEST_TIMEOUT_MS) and the write that marks the mail done, with room to spare, and no wait
 * for the pace. Short, so that a sender killed mid-send holds its mails for seconds, not minutes.
 */
export const MAIL_CLAIM_SECONDS = Math.ceil((2 * SEND_ATTEMPT_MS) / 1000);

/** The writes that mark and record what was sent and end the delivery, at most. */
const RECORD_MS = 5_000;

/** The mail claim could not be taken (or renewed): someone else holds the mail, or we are stopping. */
class NotClaimed extends Error {}

let claiming = true;

/**
 * From now on no mail is claimed: sends in flight finish (and are marked done), the rest stays in
 * the outbox, due at once, for the next sender. The local stack's graceful stop calls it, so a
 * Ctrl-C takes as long as the sends in flight, not as long as a whole batch.
 */
export function stopClaiming(): void {
  claiming = false;
}

/** Sends in flight for one entry: enough to keep up with the paced rate while SES answers (~100 ms a send). */
const SENDS_IN_FLIGHT = 16;

/**
 * Drains one outbox entry: claims it (so the stream and the sweeper do not work on it at once),
 * then, for each mail not yet done and in parallel, claims the mail on its own item, sends it
 * (paced to SES's rate) and, the moment it left, marks it done and records it on its recipient
 * and in the activity log together with the mails that left meanwhile (sentMarks); records what
 * a failed group write or an earlier crash left unrecorded; then completes the entry, or, after
 * a failed send (or a mail another sender still holds), records the error and makes the entry
 * due again.
 */
export async function deliverOutbox(id: string, now = new Date(), options: { deadline?: number } = {}): Promise<DeliveryOutcome> {
  // Out of time (the invocation's `deadline`, epoch ms): no mail is started that might still be in
  // flight (one SES attempt) or unrecorded (a few writes) when the function times out. The rest
  // stays due at once, for the stream's next invocation (the record is reported failed) or the sweep.
  const latestStart = options.deadline === undefined ? undefined : options.deadline - SEND_ATTEMPT_MS - RECORD_MS;
  const outOfTime = () => latestStart !== undefined && Date.now() > latestStart;
  if (!claiming || outOfTime()) return 'stopped'; // the entry stays due for the next sender
  const entry = await claimOutbox(id, now);
  if (!entry) return 'not-claimed';
  // The current time on the caller's clock (`now` is when this delivery started).
  const started = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - started));
  const [request, mails] = await Promise.all([loadRequest(entry.requestId), loadOutboxMails(entry)]);
  const { requestKey } = fromRequestId(entry.requestId);
  const failures: { mail: OutboxMail; error: Error }[] = [];
  const sent = sentMarks(entry);
  let heldElsewhere = 0;
  let leftForLater = 0;
  await eachWithConcurrency(
    mails.filter((mail) => !mail.doneAt),
    SENDS_IN_FLIGHT,
    async (mail) => {
      if (!claiming || outOfTime()) {
        leftForLater++;
        return;
      }
      const at = new Date().toISOString();
      if (isObsolete(mail, request)) {
        await markMailDone(entry, mail.index, 'skipped', at);
        Object.assign(mail, { doneAt: at, outcome: 'skipped' });
        return;
      }
      const recipient = request!.recipients.find((r) => r.approverId === mail.approverId)!;
      let claim: string | null = null;
      // Claimed once the pacing token is in hand, right before each attempt: a retry after
      // throttling renews the claim, so it never runs out while the mail may still go out.
      const claimAttempt = async (attempt: number) => {
        if (attempt === 1 && (!claiming || outOfTime())) throw new NotClaimed('stopping');
        claim = await claimMail(entry, mail.index, clock(), MAIL_CLAIM_SECONDS, claim ?? undefined);
        if (!claim) throw new NotClaimed('held elsewhere');
      };
      let messageId: string;
      try {
        messageId = await sendMail(
          recipient.email,
          renderMail({ kind: mail.kind, request: request!, recipient, portalUrl: config.portalUrl() }),
          mailTags({ ticketId: entry.ticketId, requestKey, approverId: mail.approverId, mail: mail.kind }),
          request!.requestedBy.email,
          claimAttempt,
          latestStart,
        );
      } catch (error) {
        if (error instanceof NoSendSlot) {
          leftForLater++; // its turn at SES's rate would come too late for this invocation
          return;
        }
        if (error instanceof NotClaimed) {
          if (error.message === 'stopping') leftForLater++;
          else heldElsewhere++;
          return;
        }
        failures.push({ mail, error: error as Error });
        return;
      }
      Object.assign(mail, { doneAt: at, outcome: 'sent', messageId });
      // Marked done (and recorded) with the mails that left meanwhile, while its claim holds.
      sent.add(sentMail(entry, request, mail));
    },
  );
  await sent.written();
  // Everything sent and not yet on the recipients and in the log, this attempt's or a crashed one's.
  const unrecorded = mails.flatMap((mail) =>
    mail.outcome !== 'sent' || mail.recordedAt || !mail.doneAt ? [] : [sentMail(entry, request, mail)],
  );
  if (!claiming && unrecorded.length > 0 && failures.length === 0) {
    // Stopping: what went out is marked done; the next sender records it (due again at once).
    await releaseOutbox(entry, clock());
    return 'stopped';
  }
  await recordSentMails(entry, unrecorded);
  if (failures.length === 0 && heldElsewhere === 0 && leftForLater === 0) {
    await completeOutbox(entry, new Date());
    return 'done';
  }
  if (failures.length === 0) {
    // Stopping: due again at once. Another sender holds a mail (or crashed holding it): look again
    // once its claim can have run out.
    await releaseOutbox(entry, new Date(clock().getTime() + (heldElsewhere > 0 ? MAIL_CLAIM_SECONDS * 1000 : 0)));
    return leftForLater > 0 ? 'stopped' : 'retry-later';
  }
  await recordFailures(entry, failures, now);
  return 'retry-later';
}

/** A sent mail as it goes on its recipient and into the activity log. */
function sentMail(entry: OutboxEntry, request: ApprovalRequest | null, mail: OutboxMail): SentMail {
  const at = mail.doneAt as string;
  const email = request?.recipients.find((r) => r.approverId === mail.approverId)?.email ?? '';
  const event = activity(
    'mail_sent',
    { at, actor: SYSTEM_MAILER, requestId: entry.requestId },
    { approverId: mail.approverId, mail: mail.kind, email },
  );
  return { mail, at, event };
}

/**
 * Marks the mails of an entry done the moment they left, and records them, as a group commit: the
 * mails that left while one transaction was written go together in the next (markSentAndRecord),
 * so a mail costs its claim and its share of a transaction, and a send's slot is free at once.
 * Should a transaction fail, its mails are marked done one by one (so none goes out again) and
 * left unrecorded, for recordSentMails after the sends (or the next attempt) to record.
 */
function sentMarks(entry: OutboxEntry) {
  const pending: SentMail[] = [];
  let writing: Promise<void> | null = null;
  let failed: unknown = null;
  const write = async () => {
    try {
      while (pending.length > 0) {
        const group = pending.splice(0, SENT_PER_TRANSACTION);
        try {
          await markSentAndRecord(entry, group);
          for (const { mail, at } of group) mail.recordedAt = at;
        } catch (error) {
          logger.warn('marking sent mails done and recorded together failed; marking them done one by one', {
            outboxId: entry.id,
            mails: group.length,
            error: (error as Error).name,
          });
          await Promise.all(group.map(({ mail, at }) => markMailDone(entry, mail.index, 'sent', at, mail.messageId))).catch(
            (e: unknown) => {
              failed ??= e;
            },
          );
        }
      }
    } finally {
      // Synchronously after the last check of `pending`: a mail added from now on starts a new write.
      writing = null;
    }
  };
  return {
    add(mail: SentMail) {
      pending.push(mail);
      writing ??= write();
    },
    /** Resolves once every mail added is marked done; rejects if one could not be. */
    async written() {
      while (writing) await writing;
      if (failed) throw failed;
    },
  };
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

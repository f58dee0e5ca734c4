import { activity } from '../domain/activity.js';
import { toRequestId } from '../domain/request-id.js';
import { logger } from '../logger.js';
import { reportedProblemOf, type SesEventRecord } from '../mail/ses-events.js';
import { redact } from '../redact.js';
import { type DeliveryOutcome, recordDeliveryProblem } from '../store/delivery-repository.js';
import { SYSTEM_SES } from './actors.js';

/** An SES event as EventBridge delivers it: the record in `detail`. */
export interface SesEvent {
  id: string;
  time: string;
  'detail-type'?: string;
  detail: SesEventRecord;
}

/**
 * Records a bounce, complaint or rejection that SES reported about one of our mails, on its
 * recipient and in the ticket's activity log. Anything else (a delay, a mail that is not ours)
 * is only logged.
 */
export async function recordMailEvent(event: SesEvent): Promise<DeliveryOutcome | 'ignored'> {
  const reported = reportedProblemOf(event?.detail, event?.time ?? new Date().toISOString());
  if (!reported) {
    logger.info('mail event ignored', { eventId: event?.id, detailType: event?.['detail-type'], eventType: event?.detail?.eventType });
    return 'ignored';
  }
  const { ref, problem } = reported;
  const requestId = toRequestId(ref.ticketId, ref.requestKey);
  const outcome = await recordDeliveryProblem({
    recipient: ref,
    problem,
    messageId: reported.messageId,
    reportId: reported.reportId,
    event: activity(
      'mail_undelivered',
      { at: problem.at, actor: SYSTEM_SES, requestId },
      {
        approverId: ref.approverId,
        mail: ref.mail,
        email: reported.email,
        problem: problem.type,
        permanent: problem.permanent,
        detail: problem.detail,
      },
    ),
  });
  logger.info('mail event recorded', {
    eventId: event.id,
    outcome,
    problem: problem.type,
    permanent: problem.permanent,
    requestId,
    approverId: ref.approverId,
    detail: redact(problem.detail),
  });
  return outcome;
}

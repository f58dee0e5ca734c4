import type { DeliveryProblem } from '../domain/types.js';
import { type MailRef, mailRefOf } from './tags.js';

/**
 * The part of an SES event record (as EventBridge delivers it in `detail`) that we read. SES
 * publishes one per event of a mail sent through our configuration set; see "Contents of event
 * data that Amazon SES publishes" in the SES developer guide.
 */
export interface SesEventRecord {
  eventType?: string;
  mail?: { messageId?: string; timestamp?: string; destination?: string[]; tags?: Record<string, string[] | undefined> };
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    timestamp?: string;
    bouncedRecipients?: { emailAddress?: string; diagnosticCode?: string; status?: string }[];
  };
  complaint?: { timestamp?: string; complaintFeedbackType?: string; complaintSubType?: string | null };
  reject?: { reason?: string };
}

/** A problem SES reported about one of our mails, and which recipient it was for. */
export interface ReportedProblem {
  ref: MailRef;
  problem: DeliveryProblem;
  /** SES's id of the mail. */
  messageId: string;
  /** The same for every copy of one report (SES may publish one, EventBridge deliver it, twice). */
  reportId: string;
  /** The address the mail went to. */
  email: string;
}

const DETAIL_LIMIT = 500;
const clip = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, DETAIL_LIMIT);

/** SES's times as ISO-8601 with milliseconds, like every other time in the table (they sort as strings). */
function isoTime(value: string | undefined, fallback: string): string {
  const time = new Date(value ?? fallback);
  return Number.isNaN(time.getTime()) ? new Date(fallback).toISOString() : time.toISOString();
}

function problemOf(record: SesEventRecord, reportedAt: string): Omit<DeliveryProblem, 'mail'> | null {
  switch (record.eventType) {
    case 'Bounce': {
      const bounce = record.bounce ?? {};
      const first = bounce.bouncedRecipients?.[0];
      const kind = [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/');
      const reason = first?.diagnosticCode ?? first?.status ?? '';
      return {
        type: 'bounce',
        // SES reports a soft bounce only once it stopped retrying; "Undetermined" is not known to be final.
        permanent: bounce.bounceType === 'Permanent',
        detail: clip([kind, reason].filter(Boolean).join(': ') || 'bounced'),
        at: isoTime(bounce.timestamp, reportedAt),
      };
    }
    case 'Complaint': {
      const complaint = record.complaint ?? {};
      const feedback = complaint.complaintFeedbackType ?? complaint.complaintSubType ?? '';
      return {
        type: 'complaint',
        permanent: true,
        detail: clip(feedback ? `marked as ${feedback}` : 'marked as spam'),
        at: isoTime(complaint.timestamp, reportedAt),
      };
    }
    case 'Reject':
      // SES rejects at once: the mail's own time is the report's, the same in every copy of it.
      return {
        type: 'reject',
        permanent: true,
        detail: clip(record.reject?.reason ?? 'rejected by SES'),
        at: isoTime(record.mail?.timestamp, reportedAt),
      };
    default:
      return null;
  }
}

/**
 * Reads one SES event: the problem and its recipient, or null for an event that is no delivery
 * problem (a delay, a delivery) or about a mail that is not ours (no Signoff tags, no message id).
 */
export function reportedProblemOf(record: SesEventRecord | undefined, reportedAt: string): ReportedProblem | null {
  const ref = mailRefOf(record?.mail?.tags);
  const problem = record ? problemOf(record, reportedAt) : null;
  const messageId = record?.mail?.messageId;
  if (!record || !ref || !problem || !messageId) return null;
  return {
    ref,
    problem: { ...problem, mail: ref.mail },
    messageId,
    reportId: `ses-${messageId}-${problem.type}`,
    email: record.bounce?.bouncedRecipients?.[0]?.emailAddress ?? record.mail?.destination?.[0] ?? '',
  };
}

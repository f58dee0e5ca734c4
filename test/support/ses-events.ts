import { randomUUID } from 'node:crypto';
import type { SesEvent } from '../../functions/services/mail-events.js';

/** A mail as SES accepted it: what its reports about it carry. */
export interface SentMail {
  messageId: string;
  /** When SES accepted it. */
  at: string;
  to: string;
  /** The EmailTags of its SendEmail. */
  tags: { Name?: string; Value?: string }[];
}

/** The EventBridge event SES publishes about a mail sent through our configuration set. */
export function sesEvent(mail: SentMail, detailType: string, record: Record<string, unknown>): SesEvent {
  const tags: Record<string, string[]> = { 'ses:configuration-set': ['signoff-test'] };
  for (const tag of mail.tags) tags[tag.Name!] = [tag.Value!];
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    'detail-type': detailType,
    detail: { ...record, mail: { timestamp: mail.at, messageId: mail.messageId, destination: [mail.to], tags } },
  };
}

/** SES's report of a hard bounce of the mail. */
export const bounceOf = (mail: SentMail, at = new Date().toISOString()) =>
  sesEvent(mail, 'Email Bounced', {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      timestamp: at,
      bouncedRecipients: [{ emailAddress: mail.to, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    },
  });

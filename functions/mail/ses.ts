import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import * as config from '../config.js';
import type { RenderedMail } from './render.js';
import { SendPacing } from './send-pacing.js';
import type { MessageTag } from './tags.js';

/** The longest one SendEmail attempt may take: connecting, then the answer. */
export const SES_CONNECT_TIMEOUT_MS = 3_000;
export const SES_REQUEST_TIMEOUT_MS = 10_000;

export const ses = new SESv2Client({
  region: config.region(),
  ...(config.sesEndpoint() ? { endpoint: config.sesEndpoint() } : {}),
  // Throttling and server faults are retried by SendPacing (with the account's pace); longer
  // outages are the outbox's to retry.
  maxAttempts: 1,
  // A send never hangs: a mail's claim (MAIL_CLAIM_SECONDS in services/mailer.ts) covers one attempt.
  requestHandler: { connectionTimeout: SES_CONNECT_TIMEOUT_MS, requestTimeout: SES_REQUEST_TIMEOUT_MS },
});

export const pacing = new SendPacing(ses, config.mailSenders());

/**
 * Sends one mail with HTML and plain-text parts, paced to SES's account rate; returns SES's
 * message id. The tags come back in SES's events about the mail (tags.ts). `beforeAttempt` runs
 * once the pacing token is in hand, right before each attempt (the mailer claims the mail there,
 * and throws to give the send up).
 *
 * One SendEmail per mail, not SendBulkEmail. Bulk sending could carry render.ts's mails as they
 * are (an inline template of `{{subject}}`, `{{html}}` and `{{text}}`, each mail's own rendering
 * as its entry's replacement data: SES does not HTML-escape substitutions), and would save API
 * calls and the mailer's time. But each destination counts against the same MaxSendRate, so
 * once sends are paced it saves no sending time; and it brings its own failure modes (per-entry
 * statuses, asynchronous rendering failures, 256 KB of data per entry). Not worth them yet:
 * docs/scale.md, section 4, has what it would and would not change.
 */
export async function sendMail(
  to: string,
  mail: RenderedMail,
  tags: MessageTag[] = [],
  replyTo?: string,
  beforeAttempt?: (attempt: number) => Promise<void>,
  /** Epoch ms: the first attempt starts by then or not at all (NoSendSlot; send-pacing.ts). */
  latestStart?: number,
): Promise<string> {
  const command = new SendEmailCommand({
    FromEmailAddress: config.mailFrom(),
    Destination: { ToAddresses: [to] },
    // A reply goes to the technician who asked, not to the no-reply sender.
    ...(replyTo ? { ReplyToAddresses: [replyTo] } : {}),
    Content: {
      Simple: {
        Subject: { Data: mail.subject, Charset: 'UTF-8' },
        Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
      },
    },
    ...(tags.length > 0 ? { EmailTags: tags } : {}),
    ...(config.sesConfigurationSet() ? { ConfigurationSetName: config.sesConfigurationSet() } : {}),
  });
  const result = await pacing.send(async (attempt) => {
    await beforeAttempt?.(attempt);
    return ses.send(command);
  }, latestStart);
  return result.MessageId ?? '';
}

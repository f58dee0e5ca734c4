import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import * as config from '../config.js';
import type { RenderedMail } from './render.js';
import type { MessageTag } from './tags.js';

export const ses = new SESv2Client({
  region: config.region(),
  ...(config.sesEndpoint() ? { endpoint: config.sesEndpoint() } : {}),
  // The SDK's own backoff absorbs short throttling; longer outages are the outbox's to retry.
  maxAttempts: 3,
});

/**
 * Sends one mail with HTML and plain-text parts; returns SES's message id. The tags come back in
 * SES's events about the mail (tags.ts).
 */
export async function sendMail(to: string, mail: RenderedMail, tags: MessageTag[] = [], replyTo?: string): Promise<string> {
  const result = await ses.send(
    new SendEmailCommand({
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
    }),
  );
  return result.MessageId ?? '';
}

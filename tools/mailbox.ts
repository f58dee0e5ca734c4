/** The SES emulator's store (every mail sent, as JSON at `<ses>/store`), and the one way to wait for mail. */
import type { LocalInfo } from '../local/local-info.js';

/** One mail as aws-ses-v2-local keeps it. */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at?: number;
}

export type MailMatch = (mail: StoredMail) => boolean;

/** Mails to this address. */
export const mailTo =
  (email: string): MailMatch =>
  (mail) =>
    mail.destination.to.includes(email);

/** Mails whose text or links name this (a request id, a ticket number). */
export const mailAbout =
  (text: string): MailMatch =>
  (mail) =>
    (mail.body.text ?? mail.body.html ?? '').includes(text);

export async function storedMails(info: LocalInfo, match: MailMatch = () => true): Promise<StoredMail[]> {
  const response = await fetch(info.ses.storeUrl);
  return ((await response.json()) as { emails: StoredMail[] }).emails.filter(match);
}

export async function clearMailbox(info: LocalInfo): Promise<void> {
  const response = await fetch(`${info.ses.endpoint}/clear-store`, { method: 'POST' });
  await response.arrayBuffer();
}

/**
 * Polls until `count` matching mails are stored (the mailer runs off the table's stream) and
 * returns them; at the deadline returns what is there, for the caller to judge. Never use it to
 * prove that a mail did not come: wait for the stack to be idle (ApiClient.waitForIdle) instead.
 */
export async function waitForMails(
  info: LocalInfo,
  match: MailMatch,
  count: number,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<StoredMail[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const mails = await storedMails(info, match);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalInfo } from '../../../local/local-info.js';

/** One mail as aws-ses-v2-local keeps it at `GET /store`. */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Waits until the mailer has sent `to` a mail about ticket `number`. */
export async function waitForMail(
  info: LocalInfo,
  to: string,
  number: string,
  options: { timeoutMs?: number; reminder?: boolean } = {},
): Promise<StoredMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    const store = (await (await fetch(info.ses.storeUrl)).json()) as { emails: StoredMail[] };
    const mail = store.emails.find(
      (m) =>
        m.destination.to.includes(to) &&
        m.subject.includes(`#${number}:`) &&
        (options.reminder === undefined || m.subject.startsWith('Reminder') === options.reminder),
    );
    if (mail) return mail;
    await sleep(250);
  }
  throw new Error(`no mail to ${to} about ticket #${number} within the time limit`);
}

const decodeEntities = (href: string) =>
  href
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The link of one action button: taken from the HTML part, and the same in the plain-text part. */
export function actionLink(mail: StoredMail, action: 'approve' | 'decline' | 'feedback'): string {
  const hrefs = [...(mail.body.html ?? '').matchAll(/href="([^"]+)"/g)].map((m) => decodeEntities(m[1] ?? ''));
  const href = hrefs.find((h) => h.endsWith(`?action=${action}`));
  if (!href) throw new Error(`the mail has no ${action} link: ${hrefs.join(', ')}`);
  if (!mail.body.text?.includes(href)) throw new Error(`the plain-text part lacks the ${action} link ${href}`);
  return href;
}

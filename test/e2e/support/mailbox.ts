import type { LocalInfo } from '../../../local/local-info.js';
import { type StoredMail, waitForMails } from '../../../tools/mailbox.js';

/** Waits until the mailer has sent `to` a mail about ticket `number`. */
export async function waitForMail(
  info: LocalInfo,
  to: string,
  number: string,
  options: { timeoutMs?: number; reminder?: boolean } = {},
): Promise<StoredMail> {
  const [mail] = await waitForMails(
    info,
    (m) =>
      m.destination.to.includes(to) &&
      m.subject.includes(`#${number}:`) &&
      (options.reminder === undefined || m.subject.startsWith('Reminder') === options.reminder),
    1,
    { timeoutMs: options.timeoutMs ?? 20_000 },
  );
  if (!mail) throw new Error(`no mail to ${to} about ticket #${number} within the time limit`);
  return mail;
}

const decodeEntities = (href: string) =>
  href
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The link of one action button: taken from the HTML part, and the same in the plain-text part. */
export function actionLink(mail: StoredMail, action: 'approve' | 'decline' | 'feedback'): string {
  const hrefs = [...(mail.body.html ?? '').matchAll(/href="([^"]+)"/g)].map((m) => decodeEntities(m[1] ?? ''));
  const href = hrefs.find((h) => URL.canParse(h) && new URL(h).searchParams.get('action') === action);
  if (!href) throw new Error(`the mail has no ${action} link: ${hrefs.join(', ')}`);
  if (!mail.body.text?.includes(href)) throw new Error(`the plain-text part lacks the ${action} link ${href}`);
  return href;
}

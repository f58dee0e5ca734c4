/** The SES emulator's store: every mail sent, as JSON at `<ses>/store`. */
import type { LocalInfo } from '../local/local-info.js';
import { sleep } from './stats.js';

export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export async function storedMails(info: LocalInfo): Promise<StoredMail[]> {
  const response = await fetch(info.ses.storeUrl);
  return ((await response.json()) as { emails: StoredMail[] }).emails;
}

export async function clearStore(info: LocalInfo): Promise<void> {
  const response = await fetch(`${info.ses.endpoint}/clear-store`, { method: 'POST' });
  await response.arrayBuffer();
}

/** Mails whose links point at this request. */
export const mailsOf = (mails: StoredMail[], requestId: string) =>
  mails.filter((m) => (m.body.text ?? m.body.html ?? '').includes(requestId));

/** Polls until `count` mails of the request are stored; returns them, or throws after the timeout. */
export async function waitForMails(
  info: LocalInfo,
  requestId: string,
  count: number,
  options: { intervalMs?: number; timeoutMs?: number } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const mails = mailsOf(await storedMails(info), requestId);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`only ${mails.length} of ${count} mails of ${requestId} arrived`);
    await sleep(options.intervalMs ?? 50);
  }
}

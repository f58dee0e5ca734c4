import { afterEach, describe, expect, inject, it } from 'vitest';
import { type BrowserSession, openBrowser, PHONE } from './support/browser.js';
import { Helpdesk, uniqueTicket } from './support/helpdesk.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

const info = inject('local');
const carol = info.demo.approvers.find((a) => a.approverId === 'c-carol')!;

const fitsWidth = (page: BrowserSession['page']) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('on a phone', () => {
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('fits a phone-width screen, long thread and long words included', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const { ticketId, number } = uniqueTicket();
    const conversation = Array.from({ length: 14 }, (_, i) => ({
      author: i % 2 ? 'Tess Technician' : 'Rita Requester',
      body:
        i === 13
          ? `See https://files.example.com/${'very-long-path-segment-'.repeat(6)}quote.pdf for the quote.`
          : `Message number ${i + 1} of the thread.`,
      at: new Date(Date.UTC(2026, 2, 9, 8 + i, 30)).toISOString(),
    }));
    await helpdesk.requestApproval({
      ticketId,
      ticket: { number, subject: 'Replacement printer for the reception desk', conversation },
      recipients: [carol.approverId],
    });
    const link = actionLink(await waitForMail(info, carol.email, number), 'feedback');

    browser = await openBrowser({ viewport: PHONE });
    const { page } = browser;
    await page.goto(link);
    await heading(page, 'Sign in');
    expect(await fitsWidth(page)).toBe(true);
    await browser.screenshot('phone-sign-in', { fullPage: false });
    await signIn(page, carol.email, carol.password);
    await heading(page, 'Replacement printer for the reception desk');
    expect(await fitsWidth(page)).toBe(true);
    expect(await page.getByText('Message number 5 of the thread.').count()).toBe(1);
    expect(await page.getByText('Message number 4 of the thread.').count()).toBe(0);
    await page.getByRole('button', { name: 'Show 4 earlier messages' }).click();
    await page.getByText('Message number 1 of the thread.').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot('phone-request');

    await page.getByRole('link', { name: 'My approvals' }).click();
    await heading(page, 'My approvals');
    expect(await fitsWidth(page)).toBe(true);
    await browser.screenshot('phone-my-approvals');
    expect(browser.cspViolations).toEqual([]);
  });
});

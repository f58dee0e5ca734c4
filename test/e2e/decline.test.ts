import { afterEach, describe, expect, inject, it } from 'vitest';
import { type BrowserSession, openBrowser } from './support/browser.js';
import { Helpdesk, uniqueTicket } from './support/helpdesk.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

const info = inject('local');
const carol = info.demo.approvers.find((a) => a.approverId === 'c-carol')!;

describe('declining from the mail', () => {
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('lets a contact decline with a reason in the Customer Portal, by keyboard alone', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const { ticketId, number } = uniqueTicket();
    await helpdesk.requestApproval({
      ticketId,
      ticket: { number, subject: 'Quote for the on-site installation' },
      recipients: [carol.approverId],
      message: 'The installation needs two days on site. Do you agree with the quote of 2,400 EUR?',
    });
    const link = actionLink(await waitForMail(info, carol.email, number), 'decline');

    browser = await openBrowser();
    const { page } = browser;
    await page.goto(link);
    await heading(page, 'Sign in');
    await signIn(page, carol.email, carol.password);
    await heading(page, 'Quote for the on-site installation');

    expect(await page.title()).toContain('Customer Portal');
    expect(await page.getByRole('banner').textContent()).toContain('Customer Portal');
    expect(await page.locator('html').getAttribute('data-portal')).toBe('contacts');
    expect(await page.getByRole('radio', { name: /^Decline/ }).isChecked()).toBe(true);
    const reason = page.getByLabel('Reason (optional)');
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    await browser.screenshot('request-decline-preselected');

    await page.keyboard.type('Two days are too long; we can offer one day next month.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Confirm decline');
    await page.keyboard.press('Enter');
    await page.getByText('Your decline has been recorded.').waitFor();
    await page.getByText('You declined this request').waitFor();
    await page.getByText('Two days are too long; we can offer one day next month.').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    await browser.screenshot('request-declined');

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('declined');
    expect(after.recipients[0]).toMatchObject({ approverId: carol.approverId, status: 'declined' });
    expect(after.recipients[0]?.feedback.map((f) => f.body)).toEqual(['Two days are too long; we can offer one day next month.']);
    const types = (await helpdesk.activity(ticketId)).map((a) => a.type);
    expect(types).toEqual(expect.arrayContaining(['feedback_given', 'response_recorded', 'status_changed']));
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

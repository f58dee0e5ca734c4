import { describe, expect } from 'vitest';
import { demoApprover, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const carol = demoApprover('c-carol');

describe('declining from the mail', () => {
  test('lets a contact decline with a reason in the Customer Portal, by keyboard alone', async ({ browser, helpdesk }) => {
    const { ticketId, link } = await helpdesk.ask(
      carol,
      { subject: 'Quote for the on-site installation' },
      'The installation needs two days on site. Do you agree with the quote of 2,400 EUR?',
    );

    const { page } = browser;
    await page.goto(link('decline'));
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

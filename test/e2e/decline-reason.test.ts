import { describe, expect } from 'vitest';
import { carol, info, test } from './support/fixtures.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

describe('declining a request that needs a reason', () => {
  test('asks for the reason, says when answers are due, refuses to confirm without a reason, and records the decline with it', async ({
    browser,
    helpdesk,
  }) => {
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const { ticketId, number } = await helpdesk.requestOnNewTicket({
      ticket: { subject: 'Upgrade of the support contract' },
      recipients: [carol.approverId],
      extra: { requireDeclineReason: true, deadline: { at: inAnHour, outcome: 'decline' } },
    });
    const mail = await waitForMail(info, carol.email, number);
    expect(mail.body.text).toContain('Declining: needs a reason');
    expect(mail.body.text).toContain(`Answer by: ${inAnHour.slice(0, 16).replace('T', ' ')} UTC`);

    const { page } = browser;
    await page.goto(actionLink(mail, 'decline'));
    await heading(page, 'Sign in');
    await signIn(page, carol.email, carol.password);
    await heading(page, 'Upgrade of the support contract');
    await page.getByText(/^Please answer by .+\. If it is still open then, it is declined\.$/).waitFor();
    expect(await page.locator(`time[datetime="${inAnHour}"]`).count()).toBeGreaterThan(0);

    const reason = page.getByLabel('Reason (required)');
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('button', { name: 'Confirm decline' }).click();
    await page.getByText('Give a reason for declining: this request needs one.').waitFor();
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await helpdesk.approval(ticketId)).status).toBe('pending');

    await reason.fill('The current contract covers us until June.');
    await page.getByRole('button', { name: 'Confirm decline' }).click();
    await page.getByText('You declined this request').waitFor();

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('declined');
    expect(after.recipients[0]?.feedback.map((f) => f.body)).toEqual(['The current contract covers us until June.']);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

import { afterEach, describe, expect, inject, it } from 'vitest';
import { type BrowserSession, openBrowser } from './support/browser.js';
import { callApi, Helpdesk, idTokenFor, uniqueTicket } from './support/helpdesk.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

const info = inject('local');
const alice = info.demo.approvers.find((a) => a.approverId === 'u-alice')!;
const dan = info.demo.approvers.find((a) => a.approverId === 'c-dan')!;

describe('who gets in', () => {
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('gives a wrong password and an unknown user the same clear message', async () => {
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, alice.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Incorrect email or password.');
    await browser.screenshot('sign-in-wrong-password');

    await signIn(page, 'nobody-at-all@example.com', 'whatever-1');
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.evaluate(() => sessionStorage.getItem('signoff.portal.session'))).toBeNull();
  });

  it('shows a plain "not found" to a signed-in approver who is not a recipient', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const { ticketId, number } = uniqueTicket();
    const request = await helpdesk.requestApproval({
      ticketId,
      ticket: { number, subject: 'Budget for the team event' },
      recipients: [alice.approverId],
    });
    const link = actionLink(await waitForMail(info, alice.email, number), 'approve');

    browser = await openBrowser();
    const { page } = browser;
    await page.goto(link);
    await signIn(page, dan.email, dan.password);
    await heading(page, 'Request not found');
    const main = await page.locator('main').textContent();
    expect(main).not.toContain('Budget for the team event');
    expect(await page.getByRole('radio').count()).toBe(0);
    await browser.screenshot('request-not-found');

    const asDan = await callApi(
      info,
      await idTokenFor(info, dan.email, dan.password),
      'GET',
      `/portal/approvals/${encodeURIComponent(request.id)}`,
    );
    expect(asDan.status).toBe(404);
    expect((await helpdesk.approval(ticketId)).recipients[0]?.status).toBe('pending');
  });

  it('turns away an account that is no approver', async () => {
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, info.demo.technician.email, info.demo.technician.password);
    await heading(page, 'No access to this portal');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in');
  });
});

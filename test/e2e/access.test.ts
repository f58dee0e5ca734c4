import { describe, expect } from 'vitest';
import { call, signIn as tokenFor } from '../support/api.js';
import { demoApprover, info, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const alice = demoApprover('u-alice');
const dan = demoApprover('c-dan');

describe('who gets in', () => {
  test('gives a wrong password and an unknown user the same clear message', async ({ browser }) => {
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

  test('shows a plain "not found" to a signed-in approver who is not a recipient', async ({ browser, helpdesk }) => {
    const { ticketId, request, link } = await helpdesk.ask(alice, { subject: 'Budget for the team event' });

    const { page } = browser;
    await page.goto(link('approve'));
    await signIn(page, dan.email, dan.password);
    await heading(page, 'Request not found');
    const main = await page.locator('main').textContent();
    expect(main).not.toContain('Budget for the team event');
    expect(await page.getByRole('radio').count()).toBe(0);
    await browser.screenshot('request-not-found');

    const asDan = await call('GET', `/portal/approvals/${encodeURIComponent(request.id)}`, {
      token: await tokenFor(dan.email, dan.password),
    });
    expect(asDan.status).toBe(404);
    expect((await helpdesk.approval(ticketId)).recipients[0]?.status).toBe('pending');
  });

  test('turns away an account that is no approver', async ({ browser }) => {
    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, info.demo.technician.email, info.demo.technician.password);
    await heading(page, 'No access to this portal');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in');
  });
});

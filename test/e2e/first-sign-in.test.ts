import { describe, expect, inject } from 'vitest';
import { signIn as tokenFor } from '../support/api.js';
import { resetCode, temporaryPassword } from './support/cognito-codes.js';
import { info, test } from './support/fixtures.js';
import { heading, signIn, submitNewPassword } from './support/portal.js';

const stateDir = inject('stateDir');

describe('passwords', () => {
  test('asks a new approver to replace the temporary password, then lets them approve', async ({ browser, helpdesk }) => {
    const nina = await helpdesk.addApprover('user', 'Nina Newcomer');
    const temporary = await temporaryPassword(stateDir, info.cognito.userPoolId, nina.email);
    const { ticketId, link } = await helpdesk.ask(nina, { subject: 'Second monitor for Nina' });

    const { page } = browser;
    await page.goto(link('approve'));
    await signIn(page, nina.email, temporary);
    await heading(page, 'Choose a new password');
    const fresh = 'Nina-chose-this-1';
    await submitNewPassword(page, 'Set password and continue', fresh, 'something else');
    await page.getByText('The two passwords do not match.').waitFor();
    await browser.screenshot('sign-in-new-password');

    await submitNewPassword(page, 'Set password and continue', fresh);
    await heading(page, 'Second monitor for Nina');
    expect(await page.getByRole('radio', { name: /^Approve/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('You approved this request').waitFor();

    expect((await helpdesk.approval(ticketId)).recipients[0]).toMatchObject({ approverId: nina.approverId, status: 'approved' });
    // The new password is the one that counts from now on.
    await expect(tokenFor(nina.email, fresh)).resolves.toBeTruthy();
    expect(browser.cspViolations).toEqual([]);
  });

  test('resets a forgotten password with the code from the email', async ({ browser, helpdesk }) => {
    const olga = await helpdesk.addApprover('contact', 'Olga Forgetful', 'Forgotten-long-ago-1');

    const { page } = browser;
    await page.goto(info.portalUrl);
    await heading(page, 'Sign in');
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await heading(page, 'Reset your password');
    await page.getByLabel('Email address').fill(olga.email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await heading(page, 'Enter the code and a new password');
    const code = await resetCode(stateDir, info.cognito.userPoolId, olga.email);

    await page.getByLabel('Verification code').fill('000000');
    await submitNewPassword(page, 'Change password', 'Remembered-now-2');
    await page.getByText('That code is not correct.').waitFor();
    await browser.screenshot('sign-in-reset-password');

    await page.getByLabel('Verification code').fill(code);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password has been changed. Sign in with your new password.').waitFor();
    await signIn(page, olga.email, 'Remembered-now-2');
    await heading(page, 'My approvals');
    expect(await page.title()).toContain('Customer Portal');
    expect(browser.cspViolations).toEqual([]);
  });
});

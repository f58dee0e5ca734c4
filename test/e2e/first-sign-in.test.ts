import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type BrowserSession, openBrowser } from './support/browser.js';
import { resetCode, temporaryPassword } from './support/cognito-codes.js';
import { Helpdesk, idTokenFor, uniqueTicket } from './support/helpdesk.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

const info = inject('local');
const stateDir = inject('stateDir');

describe('passwords', () => {
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('asks a new approver to replace the temporary password, then lets them approve', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const nina = await helpdesk.addApprover('user', 'Nina Newcomer');
    const temporary = await temporaryPassword(stateDir, info.cognito.userPoolId, nina.email);
    const { ticketId, number } = uniqueTicket();
    await helpdesk.requestApproval({ ticketId, ticket: { number, subject: 'Second monitor for Nina' }, recipients: [nina.approverId] });
    const link = actionLink(await waitForMail(info, nina.email, number), 'approve');

    browser = await openBrowser();
    const { page } = browser;
    await page.goto(link);
    await signIn(page, nina.email, temporary);
    await heading(page, 'Choose a new password');
    const fresh = 'Nina-chose-this-1';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('Repeat new password').fill('something else');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByText('The two passwords do not match.').waitFor();
    await browser.screenshot('sign-in-new-password');

    await page.getByLabel('Repeat new password').fill(fresh);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await heading(page, 'Second monitor for Nina');
    expect(await page.getByRole('radio', { name: /^Approve/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('You approved this request').waitFor();

    expect((await helpdesk.approval(ticketId)).recipients[0]).toMatchObject({ approverId: nina.approverId, status: 'approved' });
    // The new password is the one that counts from now on.
    await expect(idTokenFor(info, nina.email, fresh)).resolves.toBeTruthy();
    expect(browser.cspViolations).toEqual([]);
  });

  it('resets a forgotten password with the code from the email', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const olga = await helpdesk.addApprover('contact', 'Olga Forgetful');
    const cognito = new CognitoIdentityProviderClient({
      region: info.region,
      endpoint: info.cognito.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: info.cognito.userPoolId,
        Username: olga.email,
        Password: 'Forgotten-long-ago-1',
        Permanent: true,
      }),
    );

    browser = await openBrowser();
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
    await page.getByLabel('New password', { exact: true }).fill('Remembered-now-2');
    await page.getByLabel('Repeat new password').fill('Remembered-now-2');
    await page.getByRole('button', { name: 'Change password' }).click();
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

import { describe, expect } from 'vitest';
import { bob, dan, info, test } from './support/fixtures.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

describe('a request in stages', () => {
  test('asks the second stage only once the first approved, and shows each approver their stage and the progress', async ({
    browser,
    openBrowser,
    helpdesk,
  }) => {
    const subject = 'New CRM licences for the sales team';
    const { ticketId, number } = await helpdesk.requestOnNewTicket({
      ticket: { subject },
      recipients: [],
      extra: {
        recipients: undefined,
        stages: [
          { name: 'Team lead', recipients: [bob.approverId] },
          { name: 'Purchasing', recipients: [dan.approverId] },
        ],
      },
    });

    const first = await waitForMail(info, bob.email, number);
    const { page } = browser;
    await page.goto(actionLink(first, 'approve'));
    await heading(page, 'Sign in');
    await signIn(page, bob.email, bob.password);
    await heading(page, subject);
    await page.getByText('Your stage: 1 of 2 (Team lead)').waitFor();
    await page.getByText('Stage 1 of 2 pending').waitFor();
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('Your approval has been recorded.').waitFor();
    await page.getByText('Stage 1 of 2 approved').waitFor();

    // Stage 2 starts now: its approver is mailed and sees where the request stands.
    const second = await waitForMail(info, dan.email, number);
    const other = await openBrowser();
    await other.page.goto(actionLink(second, 'approve'));
    await heading(other.page, 'Sign in');
    await signIn(other.page, dan.email, dan.password);
    await heading(other.page, subject);
    await other.page.getByText('Your stage: 2 of 2 (Purchasing)').waitFor();
    await other.page.getByText('Stage 1 of 2 approved').waitFor();
    await other.page.getByRole('button', { name: 'Confirm approval' }).click();
    await other.page.getByText('Your approval has been recorded.').waitFor();
    await other.page.getByText('Stage 2 of 2 approved').waitFor();

    expect((await helpdesk.approval(ticketId)).status).toBe('approved');
    for (const session of [browser, other]) {
      expect(session.cspViolations).toEqual([]);
      expect(session.pageErrors).toEqual([]);
    }
  });
});

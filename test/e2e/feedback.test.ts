import { describe, expect } from 'vitest';
import { demoApprover, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const bob = demoApprover('u-bob');

describe('feedback first, decision later', () => {
  test('sends feedback from the feedback link, then approves on the same page', async ({ browser, helpdesk }) => {
    const { ticketId, link } = await helpdesk.ask(bob, { subject: 'Access to the payroll share' });

    const { page } = browser;
    await page.goto(link('feedback'));
    await signIn(page, bob.email, bob.password);
    await heading(page, 'Access to the payroll share');
    expect(await page.getByRole('radio', { name: /^Respond with feedback/ }).isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Write your feedback before sending it.').waitFor();
    expect((await helpdesk.approval(ticketId)).recipients[0]?.feedback).toEqual([]);

    await page.getByLabel('Your feedback').fill('Read-only access is enough, isn’t it?');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Your feedback has been sent.').waitFor();
    await page.getByRole('heading', { name: 'Your feedback so far' }).waitFor();
    const afterFeedback = await helpdesk.approval(ticketId);
    expect(afterFeedback.status).toBe('pending');
    expect(afterFeedback.recipients[0]).toMatchObject({ status: 'pending' });
    expect(afterFeedback.recipients[0]?.feedback.map((f) => f.body)).toEqual(['Read-only access is enough, isn’t it?']);
    // The link's action is used up: nothing is preselected for the decision that follows.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
    await browser.screenshot('request-after-feedback');

    await page.getByRole('radio', { name: /^Approve/ }).check();
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('You approved this request').waitFor();

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('approved');
    expect(after.recipients[0]).toMatchObject({ status: 'approved' });
    const activity = (await helpdesk.activity(ticketId)).filter((a) => a.approverId === bob.approverId && a.type !== 'mail_sent');
    expect(activity.map((a) => a.type)).toEqual(['feedback_given', 'response_recorded']);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

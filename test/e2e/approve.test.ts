import { describe, expect } from 'vitest';
import { demoApprover, info, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const alice = demoApprover('u-alice');

describe('approving from the mail', () => {
  test('signs in from the approve link and records the approval only after one explicit click', async ({ openBrowser, helpdesk }) => {
    const { ticketId, number, request, link: linkFor } = await helpdesk.ask(alice);
    const link = linkFor('approve');
    expect(link).toBe(`${info.portalUrl}requests/${encodeURIComponent(request.id)}?action=approve&portal=users`);

    const browser = await openBrowser({ timezoneId: 'America/New_York' });
    const { page } = browser;
    const response = await page.goto(link);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    await heading(page, 'Sign in');
    expect(await page.getByText('Nothing is recorded until you confirm').isVisible()).toBe(true);
    await browser.screenshot('sign-in-from-mail-link');

    await signIn(page, alice.email, alice.password);
    await heading(page, 'Replace the broken laptop of the finance assistant');
    expect(await page.title()).toContain('Service Portal');
    expect(await page.getByRole('radio', { name: /^Approve/ }).isChecked()).toBe(true);
    const confirm = page.getByRole('button', { name: 'Confirm approval' });
    expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await helpdesk.approval(ticketId)).recipients[0]?.status).toBe('pending');

    const main = await page.locator('main').textContent();
    for (const shown of [
      `#${number}`,
      'Rita Requester',
      'rita.requester@example.com',
      'Tess Technician',
      'tess.tech@signoff.local',
      'Please approve the replacement so that we can order it today.',
      'My laptop does not start any more',
      'The mainboard is damaged',
      request.id,
    ]) {
      expect(main).toContain(shown);
    }
    // 15:04 UTC on 10 March 2026 is 11:04 in New York (EDT), where this browser lives.
    expect(main).toMatch(/Mar 10, 2026, 11:04\sAM/);
    await browser.screenshot('request-approve-preselected');

    await confirm.click();
    await page.getByText('Your approval has been recorded.').waitFor();
    await page.getByText('You approved this request').waitFor();
    expect(await page.getByRole('button', { name: /^Confirm/ }).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(new URL(page.url()).search).toBe('');
    await browser.screenshot('request-approved');

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('approved');
    expect(after.recipients[0]).toMatchObject({ approverId: alice.approverId, status: 'approved' });
    expect(after.recipients[0]?.respondedAt).not.toBeNull();
    const activity = await helpdesk.activity(ticketId);
    expect(activity).toContainEqual(
      expect.objectContaining({ type: 'response_recorded', approverId: alice.approverId, decision: 'approved' }),
    );
    expect(activity).toContainEqual(expect.objectContaining({ type: 'status_changed', from: 'pending', to: 'approved' }));

    // A reload shows the result, never a second decision.
    await page.reload();
    await page.getByText('You approved this request').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

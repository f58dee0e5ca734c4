import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect } from 'vitest';
import { call, stack, signIn as tokenFor } from '../support/api.js';
import { axeViolations } from './support/axe.js';
import { alice, bob, dan, info, test } from './support/fixtures.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn, storedSession } from './support/portal.js';

describe('my approvals', () => {
  test('lists the open requests first, with ticket, subject, requester, requested by, time and own status', async ({
    browser,
    helpdesk,
  }) => {
    const answered = await helpdesk.requestOnNewTicket({
      ticket: { subject: 'Extend the support contract' },
      recipients: [dan.approverId],
    });
    const open = await helpdesk.requestOnNewTicket({
      ticket: { subject: 'Add two seats to the licence', requester: { name: 'Sam Seats', email: 'sam@example.com' } },
      recipients: [dan.approverId],
    });
    const approved = await call('POST', `/portal/approvals/${encodeURIComponent(answered.request.id)}/responses`, {
      token: await tokenFor(dan.email, dan.password),
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);

    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, dan.email, dan.password);
    await heading(page, 'My approvals');
    expect(await page.title()).toContain('Customer Portal');

    const waiting = page.getByRole('region', { name: /Waiting for your answer/ });
    const earlier = page.getByRole('region', { name: /Answered or closed/ });
    const openRow = waiting.getByRole('row').filter({ hasText: `#${open.number}` });
    expect(await openRow.textContent()).toMatch(/Add two seats to the licence[\s\S]*Sam Seats[\s\S]*Tess Technician[\s\S]*Waiting for you/);
    expect(
      await earlier
        .getByRole('row')
        .filter({ hasText: `#${answered.number}` })
        .textContent(),
    ).toContain('You approved');
    expect(await waiting.getByText(`#${answered.number}`).count()).toBe(0);
    // What a screen reader hears for the counts: "1 request", not "1 requests".
    expect(await earlier.locator('.count').textContent()).toBe('1 request');
    expect(await waiting.locator('.count').textContent()).toBe('1 request');
    expect(await axeViolations(page)).toEqual([]);
    await browser.screenshot('my-approvals');

    await openRow.getByRole('link', { name: 'Add two seats to the licence' }).click();
    await heading(page, 'Add two seats to the licence');
    expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'My approvals' }).click();
    await heading(page, 'My approvals');
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  test('explains why no answer is needed when the approver was removed or the request withdrawn', async ({ browser, helpdesk }) => {
    const edited = await helpdesk.requestOnNewTicket({
      ticket: { subject: 'Edited away' },
      recipients: [alice.approverId, bob.approverId],
    });
    const withdrawn = await helpdesk.requestOnNewTicket({ ticket: { subject: 'Withdrawn request' }, recipients: [alice.approverId] });
    const editedLink = actionLink(await waitForMail(info, alice.email, edited.number), 'approve');
    const withdrawnLink = actionLink(await waitForMail(info, alice.email, withdrawn.number), 'decline');
    expect((await helpdesk.call('PUT', `/tickets/${edited.ticketId}/approval/recipients`, { recipients: [bob.approverId] })).status).toBe(
      200,
    );
    expect((await helpdesk.call('DELETE', `/tickets/${withdrawn.ticketId}/approval`)).status).toBe(204);

    const { page } = browser;
    await page.goto(editedLink);
    await signIn(page, alice.email, alice.password);
    await heading(page, 'Edited away');
    await page.getByText('Your answer is no longer needed').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Confirm|Send feedback/ }).count()).toBe(0);
    await browser.screenshot('request-removed');

    await page.goto(withdrawnLink);
    await heading(page, 'Withdrawn request');
    await page.getByText('This request was withdrawn').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    await browser.screenshot('request-withdrawn');
  });

  test('refreshes the session with the refresh token, and signs out for good', async ({ browser }) => {
    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, bob.email, bob.password);
    await heading(page, 'My approvals');
    const before = await storedSession(page);
    expect(before?.refreshToken).toBeTruthy();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('session')))).toEqual([]);

    // The ID token is about to expire: the next API call refreshes it first.
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('signoff.portal.session') ?? '{}');
      sessionStorage.setItem('signoff.portal.session', JSON.stringify({ ...session, expiresAt: Date.now() + 1000 }));
    });
    await page.reload();
    await heading(page, 'My approvals');
    const after = await storedSession(page);
    expect(after?.idToken).not.toBe(before?.idToken);
    expect(after?.refreshToken).toBe(before?.refreshToken);
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + 60_000);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in');
    await page.getByText('You are signed out.').waitFor();
    expect(await storedSession(page)).toBeNull();
    // The refresh token was revoked at Cognito, not just forgotten by the tab.
    await expect(
      stack.cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: info.cognito.clientId,
          AuthParameters: { REFRESH_TOKEN: before?.refreshToken ?? '' },
        }),
      ),
    ).rejects.toThrow();
    await page.reload();
    await heading(page, 'Sign in');
  });
});

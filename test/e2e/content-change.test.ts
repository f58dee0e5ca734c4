import { describe, expect } from 'vitest';
import { alice, bob, info, test } from './support/fixtures.js';
import { E2E_TICKET } from './support/helpdesk.js';
import { heading, signIn } from './support/portal.js';

describe('what the approver approves is what the page showed', () => {
  test('shows the content hash, asks again after the ticket changed, and refuses an answer to an outdated page', async ({
    browser,
    helpdesk,
  }) => {
    const { ticketId, number, request } = await helpdesk.requestOnNewTicket({
      ticket: { subject: 'Buy 1 laptop (EUR 1,000)' },
      recipients: [alice.approverId, bob.approverId],
    });
    const created = request as unknown as { id: string; content: { version: number; hash: string } };
    const put = async (subject: string) => {
      const reply = await helpdesk.call('PUT', `/tickets/${ticketId}`, { ...E2E_TICKET, number, subject });
      expect(reply.status).toBe(200);
    };
    const { page } = browser;
    await page.goto(`${info.portalUrl}requests/${encodeURIComponent(created.id)}`);
    await signIn(page, alice.email, alice.password);
    await heading(page, 'Buy 1 laptop (EUR 1,000)');
    const hash = page.getByTestId('content-hash');
    expect(await hash.textContent()).toContain(`Version 1 · ${created.content.hash}`);
    await page.getByRole('radio', { name: /^Approve/ }).check();
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('Your approval has been recorded.').waitFor();

    // The technician changes the subject: Alice's approval no longer counts, and the page says what changed.
    await put('Buy 100 laptops (EUR 100,000)');
    await page.reload();
    await heading(page, 'Buy 100 laptops (EUR 100,000)');
    const stale = page.getByTestId('stale-approval');
    await stale.waitFor();
    expect(await page.locator('.changes').textContent()).toContain('Subject: Buy 1 laptop (EUR 1,000) → Buy 100 laptops (EUR 100,000)');
    expect(await hash.textContent()).toMatch(/Version 2 · sha256:[0-9a-f]{64}/);
    await browser.screenshot('request-changed-after-approval');

    // Changed again while the page is open: the answer to the outdated page is refused, and the page shows the new content.
    await page.getByRole('radio', { name: /^Approve/ }).check();
    await put('Buy 1000 laptops (EUR 1,000,000)');
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText(/Your answer was not recorded/).waitFor();
    await heading(page, 'Buy 1000 laptops (EUR 1,000,000)');
    expect(await hash.textContent()).toContain('Version 3');
    expect((await helpdesk.approval(ticketId)).recipients.find((r) => r.approverId === alice.approverId)?.status).toBe('pending');

    await page.getByRole('radio', { name: /^Approve/ }).check();
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('Your approval has been recorded.').waitFor();
    const after = (await helpdesk.approval(ticketId)) as unknown as {
      content: { hash: string };
      recipients: { approverId: string; status: string; contentHash: string | null }[];
    };
    expect(after.recipients.find((r) => r.approverId === alice.approverId)).toMatchObject({
      status: 'approved',
      contentHash: after.content.hash,
    });
    expect(browser.pageErrors).toEqual([]);
  });
});

import { afterEach, describe, expect, inject, it } from 'vitest';
import { type BrowserSession, openBrowser } from './support/browser.js';
import { Helpdesk, uniqueTicket } from './support/helpdesk.js';
import { actionLink, waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

const info = inject('local');
const bob = info.demo.approvers.find((a) => a.approverId === 'u-bob')!;

describe('opening a mail link', () => {
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('records nothing when an approve link is fetched, opened and signed in to without confirming', async () => {
    const helpdesk = await Helpdesk.signIn(info);
    const { ticketId, number } = uniqueTicket();
    await helpdesk.requestApproval({ ticketId, ticket: { number, subject: 'New VPN token' }, recipients: [bob.approverId] });
    const link = actionLink(await waitForMail(info, bob.email, number), 'approve');

    // A mail scanner follows the link: it gets the page, and that is all.
    const scanned = await fetch(link);
    expect(scanned.status).toBe(200);
    expect(scanned.headers.get('content-type')).toContain('text/html');

    browser = await openBrowser();
    const { page } = browser;
    await page.goto(link);
    await signIn(page, bob.email, bob.password);
    await heading(page, 'New VPN token');
    await page.getByRole('button', { name: 'Confirm approval' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Confirm approval' }).waitFor();
    await new Promise((r) => setTimeout(r, 1000));

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('pending');
    expect(after.recipients[0]).toMatchObject({ status: 'pending', respondedAt: null, feedback: [] });
    const types = (await helpdesk.activity(ticketId)).map((a) => a.type);
    expect(types).not.toContain('response_recorded');
    expect(types).not.toContain('feedback_given');
  });
});

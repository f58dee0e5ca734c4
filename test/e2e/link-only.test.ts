import { describe, expect } from 'vitest';
import { waitForIdle } from '../support/api.js';
import { demoApprover, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const bob = demoApprover('u-bob');

describe('opening a mail link', () => {
  test('records nothing when an approve link is fetched, opened and signed in to without confirming', async ({ browser, helpdesk }) => {
    const { ticketId, link } = await helpdesk.ask(bob, { subject: 'New VPN token' });

    // A mail scanner follows the link: it gets the page, and that is all.
    const scanned = await fetch(link('approve'));
    expect(scanned.status).toBe(200);
    expect(scanned.headers.get('content-type')).toContain('text/html');

    const { page } = browser;
    await page.goto(link('approve'));
    await signIn(page, bob.email, bob.password);
    await heading(page, 'New VPN token');
    await page.getByRole('button', { name: 'Confirm approval' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Confirm approval' }).waitFor();
    // Whatever the page sent has arrived and been handled: no request is open, and the stack is idle.
    await page.waitForLoadState('networkidle');
    await waitForIdle();

    const after = await helpdesk.approval(ticketId);
    expect(after.status).toBe('pending');
    expect(after.recipients[0]).toMatchObject({ status: 'pending', respondedAt: null, feedback: [] });
    const types = (await helpdesk.activity(ticketId)).map((a) => a.type);
    expect(types).not.toContain('response_recorded');
    expect(types).not.toContain('feedback_given');
  });
});

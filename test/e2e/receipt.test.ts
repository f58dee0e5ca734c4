import { readFile } from 'node:fs/promises';
import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect } from 'vitest';
import { demoApprover, info, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const alice = demoApprover('u-alice');

describe('the receipt of a closed request', () => {
  test('is downloaded from the portal once the request closed, and verifies against the public keys', async ({ browser, helpdesk }) => {
    const { ticketId, request, link } = await helpdesk.ask(alice, { subject: 'Buy 1 laptop (EUR 1,000)' });
    const { page } = browser;
    await page.goto(link('approve'));
    await heading(page, 'Sign in');
    await signIn(page, alice.email, alice.password);
    await heading(page, 'Buy 1 laptop (EUR 1,000)');
    // Open: no receipt to offer yet.
    expect(await page.getByRole('button', { name: 'Download receipt' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByText('Your approval has been recorded.').waitFor();
    expect((await helpdesk.approval(ticketId)).status).toBe('approved');
    await helpdesk.api.waitForIdle();

    const button = page.getByRole('button', { name: 'Download receipt' });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe(`signoff-receipt-${request.id.split('.')[0]}.json`);
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as { receipt: string; payload: Record<string, unknown> };
    expect(saved.payload).toMatchObject({ requestId: request.id, ticketId, status: 'approved' });
    await page.getByText('Receipt downloaded.').waitFor();
    await browser.screenshot('request-receipt-downloaded');

    const jwks = await (await fetch(`${info.apiUrl}/.well-known/jwks.json`)).json();
    const { payload } = await compactVerify(saved.receipt, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(saved.payload);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

import type { Locator, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { DESKTOP, PHONE } from './support/browser.js';
import { demoApprover, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const alice = demoApprover('u-alice');
const carol = demoApprover('c-carol');

/** Whether the whole of the element is on screen, as the approver sees the page now. */
async function onScreen(page: Page, locator: Locator): Promise<string | true> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  if (!box) return 'not rendered';
  const inside = box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
  return inside || `at ${JSON.stringify(box)} in ${viewport.width}×${viewport.height}`;
}

const LONG_MESSAGE = [
  'Please approve the replacement so that we can order it today.',
  'The quote from our supplier is attached to the ticket; delivery takes three working days.',
  'If you would rather we repair the old one, say so in your feedback and we will look into it.',
].join('\n\n');

describe('arriving from a mail link', () => {
  for (const [name, viewport] of [
    ['at 1280×800', { width: 1280, height: 800 }],
    ['on a phone', PHONE],
  ] as const) {
    test(`shows the ticket, its status, the "You chose" notice and the confirm button together, ${name}`, async ({
      openBrowser,
      helpdesk,
    }) => {
      const subject = 'Replace the broken laptop of the finance assistant';
      const { link } = await helpdesk.ask(alice, { subject }, LONG_MESSAGE);
      const browser = await openBrowser({ viewport });
      const { page } = browser;
      await page.goto(link('approve'));
      await heading(page, 'Sign in');
      await signIn(page, alice.email, alice.password);
      await heading(page, subject);
      const confirm = page.getByRole('button', { name: 'Confirm approval' });
      await confirm.waitFor();
      // Let the landing's focus (and any scroll it makes) settle.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

      expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
      const shown = {
        header: page.getByRole('banner'),
        ticketNumber: page.locator('.page-heading .eyebrow'),
        title: page.getByRole('heading', { level: 1, name: subject }),
        status: page.locator('.page-heading .badge'),
        notice: page.locator('.decision .alert').filter({ hasText: 'You chose' }),
        confirm,
      };
      for (const [what, locator] of Object.entries(shown)) expect(await onScreen(page, locator), what).toBe(true);
      await browser.screenshot(`landing-approve-${viewport.width}x${viewport.height}`);
      // The message is still on the page, below.
      expect(await page.getByText('delivery takes three working days').count()).toBe(1);
      expect(browser.pageErrors).toEqual([]);
    });
  }
});

describe('the sign-in screen from a mail link', () => {
  const accentOf = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());

  test("names the customer's portal in its colour, the request and the chosen action, and reads nothing before sign-in", async ({
    openBrowser,
    helpdesk,
  }) => {
    const { request, link } = await helpdesk.ask(carol);
    const browser = await openBrowser({ viewport: DESKTOP });
    const { page } = browser;
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\/portal\/approvals/.test(path)) apiCalls.push(path);
    });
    await page.goto(link('approve'));
    await heading(page, 'Sign in');
    expect(await page.locator('.brand-title').textContent()).toBe('Customer Portal');
    expect(await page.title()).toBe('Sign in · Customer Portal');
    expect(await accentOf(page)).toBe('#0f7a6e');
    const card = await page.locator('.auth-card').textContent();
    expect(card).toContain('You chose Approve in the email.');
    expect(card).toContain(request.id);
    expect(apiCalls).toEqual([]);
    await browser.screenshot('sign-in-customer-from-mail-link');

    await signIn(page, carol.email, carol.password);
    await page.getByRole('button', { name: 'Confirm approval' }).waitFor();
    expect(await page.locator('.brand-title').textContent()).toBe('Customer Portal');
  });

  test('names the Service Portal for a listed user, and the action of each link', async ({ openBrowser, helpdesk }) => {
    const { request, link } = await helpdesk.ask(alice);
    const browser = await openBrowser({ viewport: PHONE });
    const { page } = browser;
    await page.goto(link('decline'));
    await heading(page, 'Sign in');
    expect(await page.locator('.brand-title').textContent()).toBe('Service Portal');
    expect(await accentOf(page)).not.toBe('#0f7a6e');
    const card = await page.locator('.auth-card').textContent();
    expect(card).toContain('You chose Decline in the email.');
    expect(card).toContain(request.id);
    for (const [what, locator] of Object.entries({ notice: page.locator('.landing'), email: page.getByLabel('Email address') }))
      expect(await onScreen(page, locator), what).toBe(true);
  });
});

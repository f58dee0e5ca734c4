import { describe, expect } from 'vitest';
import { type BrowserSession, PHONE } from './support/browser.js';
import { demoApprover, test } from './support/fixtures.js';
import { heading, signIn } from './support/portal.js';

const carol = demoApprover('c-carol');

const fitsWidth = (page: BrowserSession['page']) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('on a phone', () => {
  test('fits a phone-width screen, long thread and long words included', async ({ openBrowser, helpdesk }) => {
    const conversation = Array.from({ length: 14 }, (_, i) => ({
      author: i % 2 ? 'Tess Technician' : 'Rita Requester',
      body:
        i === 13
          ? `See https://files.example.com/${'very-long-path-segment-'.repeat(6)}quote.pdf for the quote.`
          : `Message number ${i + 1} of the thread.`,
      at: new Date(Date.UTC(2026, 2, 9, 8 + i, 30)).toISOString(),
    }));
    const { link } = await helpdesk.ask(carol, { subject: 'Replacement printer for the reception desk', conversation });

    const browser = await openBrowser({ viewport: PHONE });
    const { page } = browser;
    await page.goto(link('feedback'));
    await heading(page, 'Sign in');
    expect(await fitsWidth(page)).toBe(true);
    await browser.screenshot('phone-sign-in', { fullPage: false });
    await signIn(page, carol.email, carol.password);
    await heading(page, 'Replacement printer for the reception desk');
    expect(await fitsWidth(page)).toBe(true);
    expect(await page.getByText('Message number 5 of the thread.').count()).toBe(1);
    expect(await page.getByText('Message number 4 of the thread.').count()).toBe(0);
    await page.getByRole('button', { name: 'Show 4 earlier messages' }).click();
    await page.getByText('Message number 1 of the thread.').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot('phone-request');

    await page.getByRole('link', { name: 'My approvals' }).click();
    await heading(page, 'My approvals');
    expect(await fitsWidth(page)).toBe(true);
    await browser.screenshot('phone-my-approvals');
    expect(browser.cspViolations).toEqual([]);
  });
});

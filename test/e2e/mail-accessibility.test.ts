import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest } from '../../functions/domain/approval-request.js';
import { renderMail } from '../../functions/mail/render.js';
import { approver, NOW, technician, ticket } from '../domain/fixtures.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser.js';

/** The mail's HTML as a mail client shows it: rendered in Chromium and checked with axe. */
describe('the approval mail', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['request', 'reminder'] as const)('has no axe violations (%s)', async (kind) => {
    const request = createRequest({
      id: '01JDEMO000000000000000000.VDE',
      ticketId: 'T1',
      ticket,
      approvers: [approver('a')],
      policy: { type: 'all' },
      message: 'Please approve the purchase.',
      actor: technician,
      now: NOW,
    }).after;
    const { html } = renderMail({ kind, request, recipient: request.recipients[0]!, portalUrl: 'https://approvals.example.com/portal/' });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.setContent(html);
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

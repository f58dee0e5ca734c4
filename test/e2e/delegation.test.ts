import { describe, expect } from 'vitest';
import { axeViolations } from './support/axe.js';
import { info, test } from './support/fixtures.js';
import { uniqueTicket } from './support/helpdesk.js';
import { waitForMail } from './support/mailbox.js';
import { heading, signIn } from './support/portal.js';

/** A `datetime-local` value this many days ahead, in the browser's own time (Berlin in these tests). */
const daysAhead = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(d);
  return berlin.replace(' ', 'T');
};

describe('away: naming a substitute in the portal', () => {
  test('sets a substitute, whose mail says "on behalf of", shows it, and ends it', async ({ browser, helpdesk, freshApprover }) => {
    const away = await freshApprover('user', 'Vera Vacation');
    const substitute = await freshApprover('user', 'Sam Stand-in');
    const { page } = browser;
    await page.goto(info.portalUrl);
    await signIn(page, away.email, away.password);
    await heading(page, 'My approvals');

    const panel = page.getByRole('region', { name: 'Away? Name a substitute' });
    await panel.getByLabel("Substitute's approver ID").fill(away.approverId);
    await panel.getByLabel('Back on').fill(daysAhead(7));
    await panel.getByRole('button', { name: 'Name substitute' }).click();
    // A mistake is explained, and nothing is set.
    await panel.getByRole('alert').getByText('cannot be their own substitute').waitFor();

    await panel.getByLabel("Substitute's approver ID").fill(substitute.approverId);
    await panel.getByLabel('Note (optional)').fill('Back next week');
    await panel.getByRole('button', { name: 'Name substitute' }).click();
    await panel.getByText('Your substitute is set.').waitFor();
    expect(await panel.textContent()).toMatch(/While you are away, your approval requests go to Sam Stand-in until/);
    expect(await axeViolations(page)).toEqual([]);
    await browser.screenshot('away-set');

    // A request naming Vera goes to Sam, on her behalf.
    const { ticketId, number } = uniqueTicket();
    const request = await helpdesk.requestApproval({ ticketId, ticket: { number }, recipients: [away.approverId] });
    const mail = await waitForMail(info, substitute.email, number);
    expect(mail.body.text).toContain('on behalf of Vera Vacation');
    expect(request.recipients.map((r) => r.approverId).sort()).toEqual([away.approverId, substitute.approverId].sort());

    // Still set after a reload; then ended.
    await page.reload();
    await heading(page, 'My approvals');
    await panel.getByText('Sam Stand-in').waitFor();
    await panel.getByRole('button', { name: "I'm back: end it now" }).click();
    await panel.getByText('Your requests come to you again.').waitFor();
    await panel.getByRole('button', { name: 'Name substitute' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const reply = await helpdesk.call('GET', `/directory/approvers/${away.approverId}/delegation`);
    expect(reply.body).toEqual({ delegation: null });
  });
});

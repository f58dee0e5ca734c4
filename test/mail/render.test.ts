import { describe, expect, it } from 'vitest';
import { createRequest } from '../../functions/domain/approval-request.js';
import type { ApprovalRequest, ConversationEntry } from '../../functions/domain/types.js';
import { actionLink, MAX_THREAD_ENTRIES, renderMail } from '../../functions/mail/render.js';
import { approver, NOW, technician, ticket } from '../domain/fixtures.js';

const PORTAL = 'https://approvals.example.com/portal/';

function requestWith(
  overrides: Partial<ApprovalRequest['ticket']> = {},
  message: string | null = 'Please approve the purchase.',
): ApprovalRequest {
  return createRequest({
    id: '01JDEMO000000000000000000.VDE',
    ticketId: 'T1',
    ticket: { ...ticket, ...overrides },
    approvers: [approver('a')],
    policy: { type: 'all' },
    message,
    actor: technician,
    now: NOW,
  }).after;
}

function render(request: ApprovalRequest, kind: 'request' | 'reminder' = 'request') {
  return renderMail({ kind, request, recipient: request.recipients[0]!, portalUrl: PORTAL });
}

describe('renderMail', () => {
  it('renders the request mail (snapshot of HTML and text)', async () => {
    const mail = render(requestWith());
    expect(mail.subject).toBe('Approval needed for ticket #4711: New laptop');
    await expect(mail.html).toMatchFileSnapshot('__snapshots__/request.html');
    await expect(mail.text).toMatchFileSnapshot('__snapshots__/request.txt');
  });

  it('renders the reminder mail (snapshot of the text)', async () => {
    const mail = render(requestWith(), 'reminder');
    expect(mail.subject).toBe('Reminder: approval needed for ticket #4711: New laptop');
    await expect(mail.text).toMatchFileSnapshot('__snapshots__/reminder.txt');
  });

  it('tells a substitute on whose behalf they are asked, escaped, in both parts', () => {
    const base = requestWith();
    const delegator = { ...base.recipients[0]!, name: 'Alma <Away>', delegatedTo: 's' };
    const substitute = { ...base.recipients[0]!, approverId: 's', name: 'Sam', onBehalfOf: 'a' };
    const request = { ...base, recipients: [delegator, substitute] };
    const mail = renderMail({ kind: 'request', request, recipient: substitute, portalUrl: PORTAL });
    expect(mail.text).toContain('You are asked on behalf of Alma <Away>, who named you as their substitute.');
    expect(mail.html).toContain('on behalf of Alma &lt;Away&gt;, who named you');
    expect(render(base).text).not.toContain('on behalf of');
  });

  it('links the three actions to the portal page of the request', () => {
    const request = requestWith();
    const { html, text } = render(request);
    for (const action of ['approve', 'decline', 'feedback'] as const) {
      const href = actionLink(PORTAL, request.id, action, 'user');
      expect(href).toBe(`${PORTAL}requests/${encodeURIComponent(request.id)}?action=${action}&portal=users`);
      expect(html).toContain(`href="${href.replace('&', '&amp;')}"`);
      expect(text).toContain(href);
    }
    expect(html).toContain('>Approve<');
    expect(html).toContain('>Decline<');
    expect(html).toContain('>Respond with feedback<');
  });

  it('shows who asks, the requester, the request number and the thread', () => {
    const request = requestWith();
    const { html, text } = render(request);
    for (const part of [html, text]) {
      expect(part).toContain('Tess Tech');
      expect(part).toContain('Rita Requester');
      expect(part).toContain('rita@example.com');
      expect(part).toContain(request.id);
      expect(part).toContain('I need a laptop.');
      expect(part).toContain('Please approve the purchase.');
    }
  });

  it('escapes hostile input and keeps it readable', () => {
    const hostile = `<script>alert("x")</script> & 'quotes' ${'W'.repeat(300)} Привет שלום مرحبا 你好`;
    const request = requestWith(
      {
        subject: hostile,
        requester: { name: `"><img src=x onerror=alert(1)>`, email: 'r@example.com' },
        conversation: [{ author: '<b>Eve</b>', body: hostile, at: NOW }],
      },
      hostile,
    );
    const { html, text, subject } = render(request);
    expect(html).not.toMatch(/<script|<img|<b>Eve/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(html).toContain('Привет שלום مرحبا 你好');
    expect(html).toContain('dir="auto"');
    expect(html).toContain('overflow-wrap:anywhere');
    expect(text).toContain('<script>alert("x")</script>'); // plain text shows it as typed
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.length).toBeLessThanOrEqual(150);
  });

  it('trims a long thread to the newest entries with a note', () => {
    const conversation: ConversationEntry[] = Array.from({ length: 25 }, (_, i) => ({
      author: `Author ${i}`,
      body: `Message number ${i}`,
      at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
    }));
    const { html, text } = render(requestWith({ conversation }));
    expect(text).toContain(`(${25 - MAX_THREAD_ENTRIES} earlier messages not shown)`);
    expect(html).toContain(`${25 - MAX_THREAD_ENTRIES} earlier messages not shown.`);
    expect(text).toContain('Message number 24');
    expect(text).not.toContain('Message number 14\n');
    expect(html).toContain('Message number 15');
  });

  it('names who wrote the message to the approver', () => {
    const { html, text } = render(requestWith());
    expect(html).toContain('Message from Tess Tech');
    expect(text).toContain('Message from Tess Tech:\nPlease approve the purchase.');
  });

  it('colours the button cells too, so the buttons stay readable where link styles are ignored (Outlook)', () => {
    const { html } = render(requestWith());
    for (const color of ['#1a7f37', '#cf222e', '#0969da']) expect(html).toContain(`bgcolor="${color}"`);
  });

  it('gives the inbox a preview line', () => {
    const { html } = render(requestWith(), 'reminder');
    expect(html).toContain('Tess Tech is still waiting for your answer on ticket #4711, requested by Rita Requester.');
  });

  it('keeps external resources out of the HTML', () => {
    const { html } = render(requestWith());
    expect(html).not.toMatch(/<img|<script|<link|url\(|@import/i);
  });

  it('renders single-line fields on one line in both parts, so none can forge a line of its own', () => {
    const forged = '\r\nApprove: https://evil.example/steal\r\n';
    const request = requestWith({
      number: `4711${forged}`,
      subject: `New laptop${forged}`,
      requester: { name: `Rita${forged}`, email: 'rita@example.com' },
      conversation: [{ author: `Eve\u2028Approve: https://evil.example/steal`, body: 'Hi', at: '2026-01-01T10:00:00Z' }],
    });
    const mail = renderMail({
      kind: 'request',
      request,
      recipient: { ...request.recipients[0]!, name: `Bob${forged}` },
      portalUrl: PORTAL,
    });
    const lines = mail.text.split(/\r\n|\n|\r|\u2028|\u2029/);
    expect(lines.filter((line) => line.startsWith('Approve:'))).toEqual([`Approve: ${actionLink(PORTAL, request.id, 'approve', 'user')}`]);
    expect(lines).toContain('Ticket:    #4711 Approve: https://evil.example/steal New laptop Approve: https://evil.example/steal');
    expect(mail.html).not.toMatch(/evil\.example\/steal\r?\n/);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

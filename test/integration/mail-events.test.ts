import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { technician } from '../domain/fixtures.js';
import { listedEntry, type OwnTableModules, ownTableModules } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';
import { bounceOf, type SentMail, sesEvent } from '../support/ses-events.js';

/**
 * What SES reports after a mail left (bounce, complaint, rejection) reaches the mail-events
 * handler through EventBridge in AWS. SES's emulator publishes no events, so the mails are sent
 * through a mocked SES client (which keeps the SendEmail input, tags and all), and the events
 * SES would publish about exactly those mails are built from that input. The store is real:
 * DynamoDB Local, a table of this file's own.
 */
let m: OwnTableModules & { handler: typeof import('../../functions/handlers/jobs/mail-events.js') };
const ses = mockClient(SESv2Client);

beforeAll(async () => {
  const modules = await ownTableModules('mail-events');
  m = { ...modules, handler: await import('../../functions/handlers/jobs/mail-events.js') };
});

afterEach(() => {
  ses.reset();
});

/** Every mail SES accepted so far, with when it accepted it and the id it gave. */
const accepted: (SentMail & { input: SendEmailCommandInput })[] = [];

/** SES accepts every mail; `meanwhile` runs before SES answers (a report that overtakes the send's recording). */
function acceptMail(meanwhile?: (mail: (typeof accepted)[number]) => Promise<void>) {
  ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
    const to = input.Destination?.ToAddresses?.[0] ?? '';
    const mail = { input, to, tags: input.EmailTags ?? [], messageId: `msg-${randomUUID()}`, at: new Date().toISOString() };
    accepted.push(mail);
    await meanwhile?.(mail);
    return { MessageId: mail.messageId };
  });
}

/** Saves a request for these approvers and delivers its mail; returns the ticket. */
async function mailedRequest(approverIds: string[], meanwhile?: Parameters<typeof acceptMail>[0]) {
  const saved = await savedRequest(approverIds);
  await deliverAll(saved.requestId, meanwhile);
  return saved;
}

async function deliverAll(requestId: string, meanwhile?: Parameters<typeof acceptMail>[0]) {
  acceptMail(meanwhile);
  const due = await m.outbox.listDueOutbox(new Date(Date.now() + 1000), 100);
  for (const id of due) {
    const entry = await m.outbox.getOutbox(id);
    if (entry?.requestId === requestId) expect(await m.mailer.deliverOutbox(id)).toBe('done');
  }
}

/** The last mail SES accepted for this address. */
function mailTo(email: string) {
  const mail = accepted.filter((a) => a.to === email).at(-1);
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail;
}

async function recipient(ticketId: string, approverId: string) {
  const request = (await m.store.loadTab(ticketId)).request!;
  return m.views.approvalView(request).recipients.find((r) => r.approverId === approverId)!;
}

const undelivered = async (ticketId: string) => (await m.activity.listActivity(ticketId)).filter((e) => e.type === 'mail_undelivered');

describe('what SES reports about a sent mail', () => {
  it('shows a bounce on the recipient it was for, and in the activity log', async () => {
    const { ticketId } = await mailedRequest(['ext:ann@acme', 'bob']);
    await m.handler.handler(bounceOf(mailTo('ext:ann@acme@example.com')));

    expect((await recipient(ticketId, 'ext:ann@acme')).deliveryProblem).toEqual({
      type: 'bounce',
      permanent: true,
      detail: 'Permanent/General: smtp; 550 5.1.1 user unknown',
      mail: 'request',
      at: expect.any(String),
    });
    expect((await recipient(ticketId, 'bob')).deliveryProblem).toBeNull();
    expect(await undelivered(ticketId)).toEqual([
      expect.objectContaining({
        type: 'mail_undelivered',
        approverId: 'ext:ann@acme',
        mail: 'request',
        email: 'ext:ann@acme@example.com',
        problem: 'bounce',
        permanent: true,
        actor: { kind: 'system', id: 'ses' },
      }),
    ]);
  });

  it('records an event delivered twice only once', async () => {
    const { ticketId } = await mailedRequest(['carl']);
    const event = bounceOf(mailTo('carl@example.com'));
    await m.handler.handler(event);
    await m.handler.handler(event);
    expect(await undelivered(ticketId)).toHaveLength(1);
  });

  it('records complaints and rejections, and ignores delays and mail that is not ours', async () => {
    const { ticketId } = await mailedRequest(['dora', 'emil', 'fay']);
    await m.handler.handler(
      sesEvent(mailTo('dora@example.com'), 'Email Complaint Received', {
        eventType: 'Complaint',
        complaint: { complaintFeedbackType: 'abuse', timestamp: new Date().toISOString() },
      }),
    );
    await m.handler.handler(
      sesEvent(mailTo('emil@example.com'), 'Email Rejected', { eventType: 'Reject', reject: { reason: 'Bad content' } }),
    );
    await m.handler.handler(
      sesEvent(mailTo('fay@example.com'), 'Email Delivery Delayed', {
        eventType: 'DeliveryDelay',
        deliveryDelay: { delayType: 'MailboxFull' },
      }),
    );
    const foreign = sesEvent(mailTo('fay@example.com'), 'Email Bounced', { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } });
    foreign.detail.mail!.tags = { 'ses:configuration-set': ['signoff-test'] };
    await m.handler.handler(foreign);

    expect((await recipient(ticketId, 'dora')).deliveryProblem).toMatchObject({
      type: 'complaint',
      permanent: true,
      detail: 'marked as abuse',
    });
    expect((await recipient(ticketId, 'emil')).deliveryProblem).toMatchObject({ type: 'reject', detail: 'Bad content' });
    expect((await recipient(ticketId, 'fay')).deliveryProblem).toBeNull();
    expect((await undelivered(ticketId)).map((e) => (e as { approverId: string }).approverId).sort()).toEqual(['dora', 'emil']);
  });

  it('clears the problem when a later mail goes out, and keeps a late report about an older mail to the log', async () => {
    // Reminders go only to listed approvers (409 approver_delisted otherwise): list gus first.
    await m.approvers.saveApprover(listedEntry({ approverId: 'gus', name: 'Gus', email: 'gus@example.com', sub: 'sub-gus' }), null);
    const { ticketId } = await mailedRequest(['gus']);
    const first = mailTo('gus@example.com');
    await m.handler.handler(bounceOf(first));
    expect((await recipient(ticketId, 'gus')).deliveryProblem).toMatchObject({ type: 'bounce' });

    // The technician sends the mail again (say, after correcting the address): the row is clear.
    const request = await m.approvals.sendReminder(ticketId, 'gus', technician);
    await deliverAll(request.id);
    expect(mailTo('gus@example.com').messageId).not.toBe(first.messageId);
    expect((await recipient(ticketId, 'gus')).deliveryProblem).toBeNull();

    // A second report about the first mail arrives late: the log has it, the row stays clear.
    await m.handler.handler(bounceOf(first));
    expect((await recipient(ticketId, 'gus')).deliveryProblem).toBeNull();
    expect(await undelivered(ticketId)).toHaveLength(2);

    // A report about the reminder itself is shown again.
    await m.handler.handler(bounceOf(mailTo('gus@example.com')));
    expect((await recipient(ticketId, 'gus')).deliveryProblem).toMatchObject({ type: 'bounce', mail: 'reminder' });
  });

  it('shows a report that arrives before its mail was even recorded as sent', async () => {
    // SES answers a mail to a suppressed address with an instant bounce.
    const { ticketId } = await mailedRequest(['ivy'], (mail) => m.handler.handler(bounceOf(mail)));
    expect((await recipient(ticketId, 'ivy')).deliveryProblem).toMatchObject({ type: 'bounce', mail: 'request' });
  });

  it('writes nothing for a report naming a recipient the request does not have', async () => {
    const { ticketId } = await mailedRequest(['jan']);
    const mail = mailTo('jan@example.com');
    const tags = mail.tags.map((t) => (t.Name === 'signoff-approver' ? { ...t, Value: Buffer.from('nobody').toString('base64url') } : t));
    await m.handler.handler(bounceOf({ ...mail, tags }));
    const request = (await m.store.loadTab(ticketId)).request!;
    expect(request.recipients.map((r) => r.approverId)).toEqual(['jan']);
    expect(await undelivered(ticketId)).toEqual([]);
  });

  it('tags every mail with its recipient, in the characters SES allows', async () => {
    await mailedRequest(['h.i:j@k_l-m']);
    const tags = mailTo('h.i:j@k_l-m@example.com').input.EmailTags ?? [];
    expect(tags.map((t) => t.Name)).toEqual(['signoff-ticket', 'signoff-request', 'signoff-approver', 'signoff-mail']);
    for (const tag of tags) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
  });
});

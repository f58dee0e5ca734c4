import { describe, expect, it } from 'vitest';
import { reportedProblemOf } from '../../functions/mail/ses-events.js';
import { mailRefOf, mailTags } from '../../functions/mail/tags.js';

const ref = {
  ticketId: 'HD:4711/ü',
  requestKey: '01JDZ8Y2Q8W5V3M4N6P7R9S0TA',
  approverId: 'ext:ann@acme.example',
  mail: 'request' as const,
};
const asEventTags = (tags: { Name: string; Value: string }[]) => Object.fromEntries(tags.map((t) => [t.Name, [t.Value]]));

describe('mail tags', () => {
  it('carry the recipient through SES and back, whatever characters the ids have', () => {
    const tags = mailTags(ref);
    for (const tag of tags) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(mailRefOf(asEventTags(tags))).toEqual(ref);
  });

  it('say "not ours" for a mail without them, or with a part missing or malformed', () => {
    expect(mailRefOf(undefined)).toBeNull();
    expect(mailRefOf({ 'ses:configuration-set': ['signoff'] })).toBeNull();
    const tags = asEventTags(mailTags(ref));
    expect(mailRefOf({ ...tags, 'signoff-request': ['not-a-ulid'] })).toBeNull();
    expect(mailRefOf({ ...tags, 'signoff-mail': ['newsletter'] })).toBeNull();
    expect(mailRefOf({ ...tags, 'signoff-approver': ['has spaces'] })).toBeNull();
  });
});

describe('SES event records', () => {
  const mail = {
    timestamp: '2026-12-01T09:00:00.000Z',
    messageId: 'm-1',
    destination: ['ann@acme.example'],
    tags: asEventTags(mailTags(ref)),
  };

  it('read a soft bounce as not permanent, with SES type and diagnostic', () => {
    const reported = reportedProblemOf(
      {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          timestamp: '2026-12-01T09:05:00.000Z',
          bouncedRecipients: [{ emailAddress: 'ann@acme.example', diagnosticCode: 'smtp; 452 4.2.2 mailbox full' }],
        },
      },
      '2026-12-01T09:06:00.000Z',
    );
    expect(reported).toEqual({
      ref,
      problem: {
        type: 'bounce',
        permanent: false,
        detail: 'Transient/MailboxFull: smtp; 452 4.2.2 mailbox full',
        mail: 'request',
        at: '2026-12-01T09:05:00.000Z',
      },
      messageId: 'm-1',
      reportId: 'ses-m-1-bounce',
      email: 'ann@acme.example',
    });
  });

  it('keep at most 500 characters of what a remote server said, on one line', () => {
    const reported = reportedProblemOf(
      {
        eventType: 'Bounce',
        mail,
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ diagnosticCode: `550\n${'x'.repeat(900)}` }] },
      },
      '2026-12-01T09:06:00.000Z',
    );
    expect(reported!.problem.detail).toHaveLength(500);
    expect(reported!.problem.detail).not.toContain('\n');
    expect(reported!.problem.at).toBe('2026-12-01T09:06:00.000Z');
  });

  it('give every time with milliseconds, a rejection the time of its mail, so that copies of a report match', () => {
    const complaint = reportedProblemOf(
      { eventType: 'Complaint', mail, complaint: { timestamp: '2026-12-01T09:07:00Z' } },
      '2026-12-01T09:08:00Z',
    );
    expect(complaint!.problem).toMatchObject({ type: 'complaint', detail: 'marked as spam', at: '2026-12-01T09:07:00.000Z' });
    const reject = reportedProblemOf({ eventType: 'Reject', mail, reject: { reason: 'Bad content' } }, '2026-12-01T09:08:00Z');
    expect(reject!.problem.at).toBe('2026-12-01T09:00:00.000Z');
    expect(reject!.reportId).toBe('ses-m-1-reject');
  });

  it('are not ours without a message id, nor when the record is missing', () => {
    expect(reportedProblemOf({ eventType: 'Reject', mail: { ...mail, messageId: undefined } }, '2026-12-01T09:08:00Z')).toBeNull();
    expect(reportedProblemOf(undefined, '2026-12-01T09:08:00Z')).toBeNull();
  });

  it('are no problem when they report a delivery, a delay or an open', () => {
    for (const eventType of ['Delivery', 'DeliveryDelay', 'Open', 'Send', undefined]) {
      expect(reportedProblemOf({ eventType, mail }, '2026-12-01T09:06:00.000Z')).toBeNull();
    }
  });
});

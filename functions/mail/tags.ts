import type { MailKind } from '../domain/types.js';

/**
 * Which recipient a mail was for, carried by the mail itself as SES message tags. SES hands the
 * tags back in every event it publishes about the mail (bounce, complaint, reject), so the
 * mail-events job finds the recipient without a lookup item per mail.
 *
 * Tag values may hold only letters, digits, `_` and `-` (256 at most): ticket and approver ids
 * (which may contain `. : @`) travel base64url-encoded; the request key is a ULID already.
 */
export interface MailRef {
  ticketId: string;
  requestKey: string;
  approverId: string;
  mail: MailKind;
}

export interface MessageTag {
  Name: string;
  Value: string;
}

const TAG = { ticket: 'signoff-ticket', request: 'signoff-request', approver: 'signoff-approver', mail: 'signoff-mail' } as const;

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const decode = (value: string | undefined) =>
  value && /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';

export function mailTags(ref: MailRef): MessageTag[] {
  return [
    { Name: TAG.ticket, Value: encode(ref.ticketId) },
    { Name: TAG.request, Value: ref.requestKey },
    { Name: TAG.approver, Value: encode(ref.approverId) },
    { Name: TAG.mail, Value: ref.mail },
  ];
}

/** The recipient of a mail from the tags of an SES event (`mail.tags`: name → values), or null if it is not one of ours. */
export function mailRefOf(tags: Record<string, string[] | undefined> | undefined): MailRef | null {
  const first = (name: string) => tags?.[name]?.[0];
  const ticketId = decode(first(TAG.ticket));
  const approverId = decode(first(TAG.approver));
  const requestKey = first(TAG.request) ?? '';
  const mail = first(TAG.mail);
  if (
    !ticketId ||
    !approverId ||
    !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(requestKey) ||
    (mail !== 'request' && mail !== 'reminder' && mail !== 'content_changed')
  ) {
    return null;
  }
  return { ticketId, requestKey, approverId, mail };
}

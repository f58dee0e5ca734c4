import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import {
  createApprovalBody,
  listTicketsQuery,
  putApproverBody,
  respondBody,
  ticketParams,
  ticketSnapshot,
} from '../../functions/http/schemas.js';
import { parse, type Schema } from '../../functions/http/validation.js';

/** The issues a refused value gets, as the API's error details list them. */
function issuesOf(schema: Schema, value: unknown, where = 'body'): { path: string; message: string }[] {
  try {
    parse(schema, value, where);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return ((error as ValidationError).details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('the value was accepted');
}

const snapshot = { number: '4711', subject: 'Laptop', requester: { name: 'Ann', email: 'ann@example.org' } };

describe('parse', () => {
  it('returns the parsed value, trimmed and with defaults filled in', () => {
    expect(parse(ticketSnapshot(), { ...snapshot, subject: '  Laptop  ' }, 'body')).toEqual({ ...snapshot, conversation: [] });
  });

  it('names a missing field as required and an unknown one as not taken', () => {
    expect(issuesOf(putApproverBody(), { kind: 'user', name: 'Ann', extra: 1 })).toEqual([
      { path: 'body.email', message: 'is required' },
      { path: 'body.extra', message: 'is not a field this request takes' },
    ]);
  });

  it('says how long a text or list may be, in characters or items', () => {
    expect(issuesOf(respondBody(), { feedback: 'x'.repeat(4001) })).toEqual([
      { path: 'body.feedback', message: 'must have at most 4000 characters' },
    ]);
    const many = Array.from({ length: 51 }, (_, i) => `a${i}`);
    expect(issuesOf(createApprovalBody(), { recipients: many, ticket: snapshot })).toEqual([
      { path: 'body.recipients', message: 'must have at most 50 items' },
    ]);
  });

  it('never quotes more than a few characters of what was sent, field names included', () => {
    const [unknown] = issuesOf(respondBody(), { feedback: 'ok', ['k'.repeat(300)]: 1 });
    expect(unknown!.path).toBe(`body.${'k'.repeat(40)}…`);
  });

  it('quotes a value sent in place of a choice, cut short', () => {
    const [issue] = issuesOf(putApproverBody(), { kind: `robot${'x'.repeat(1000)}`, email: 'ann@example.org', name: 'Ann' });
    expect(issue!.path).toBe('body.kind');
    expect(issue!.message).toMatch(/^expected \("user" \| "contact"\), received "robotx+…$/);
    expect(issue!.message.length).toBeLessThan(100);
  });

  it('puts the part of the request in front of each path, and the first issue in the message', () => {
    try {
      parse(ticketParams(), { ticketId: 'a b' }, 'path');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).message).toBe(
        'The request path is invalid: path.ticketId: may contain letters, digits and . _ : @ - only',
      );
    }
  });
});

describe('the field rules', () => {
  it('takes email addresses with an apostrophe or a plus, and refuses ones without a dotted domain', () => {
    for (const email of ["o'brien@example.org", 'ann+tickets@mail.example.co.uk']) {
      expect(parse(putApproverBody(), { kind: 'user', email, name: 'Ann' }, 'body').email).toBe(email);
    }
    for (const email of ['ann@localhost', 'ann', '@example.org', 'ann@example.org ']) {
      expect(issuesOf(putApproverBody(), { kind: 'user', email, name: 'Ann' })).toEqual([
        { path: 'body.email', message: 'must be an email address' },
      ]);
    }
  });

  it('takes RFC 3339 date-times with a zone, and refuses local times and days that do not exist', () => {
    const at = (value: string) => ({ ...snapshot, conversation: [{ author: 'Ann', body: 'Hi', at: value }] });
    for (const ok of ['2026-12-01T09:30:00Z', '2026-12-01T09:30:00.123+01:00', '2028-02-29T00:00:00Z']) {
      expect(parse(ticketSnapshot(), at(ok), 'body').conversation[0]!.at).toBe(ok);
    }
    expect(issuesOf(ticketSnapshot(), at('2026-12-01T09:30:00'))[0]!.path).toBe('body.conversation.0.at');
    expect(issuesOf(ticketSnapshot(), at('2026-12-01 09:30:00Z'))).toHaveLength(1);
    expect(issuesOf(ticketSnapshot(), at('2026-02-30T09:30:00Z'))).toEqual([
      { path: 'body.conversation.0.at', message: 'must be a real calendar date' },
    ]);
  });

  it('refuses text that is only whitespace', () => {
    expect(issuesOf(ticketSnapshot(), { ...snapshot, subject: '   ' })).toEqual([{ path: 'body.subject', message: 'must not be empty' }]);
  });

  it('refuses a recipient listed twice, and a quorum without its count', () => {
    expect(issuesOf(createApprovalBody(), { recipients: ['a', 'a'], ticket: snapshot })).toEqual([
      { path: 'body.recipients', message: 'must not list an approver twice' },
    ]);
    expect(issuesOf(createApprovalBody(), { recipients: ['a'], policy: { type: 'quorum' }, ticket: snapshot })).toEqual([
      { path: 'body.policy.count', message: 'is required' },
    ]);
    expect(issuesOf(createApprovalBody(), { recipients: ['a'], policy: { type: 'most' }, ticket: snapshot })).toEqual([
      { path: 'body.policy.type', message: 'must be "all", "any" or "quorum"' },
    ]);
  });

  it('reads the ticket column query: ids split at commas, a whole-number limit, ids or a status but not both', () => {
    expect(parse(listTicketsQuery(), { ids: 'a, b,,c', limit: '20' }, 'query')).toEqual({ ids: ['a', 'b', 'c'], limit: 20 });
    expect(issuesOf(listTicketsQuery(), { approvalStatus: 'pending', limit: 'ten' }, 'query')).toEqual([
      { path: 'query.limit', message: 'must be a whole number in decimal digits' },
    ]);
    expect(issuesOf(listTicketsQuery(), { approvalStatus: 'pending', limit: '2.5' }, 'query')).toEqual([
      { path: 'query.limit', message: 'must be a whole number in decimal digits' },
    ]);
    expect(issuesOf(listTicketsQuery(), { ids: 'a', approvalStatus: 'pending' }, 'query')).toEqual([
      { path: 'query', message: 'give either ids or approvalStatus' },
    ]);
  });
});

describe('text that mails and the portal show', () => {
  const withSubject = (subject: string) => ({ ...snapshot, subject });
  it.each([
    ['a lone surrogate', 'Laptop \ud800'],
    ['a lone low surrogate', '\udc00 Laptop'],
    ['NUL', 'Lap\u0000top'],
    ['ESC', 'Laptop \u001b[31mred'],
    ['a line break', 'Laptop\r\nApprove: https://evil.example'],
    ['a C1 control', 'Laptop \u0085'],
  ])('refuses %s in a subject', (_name, subject) => {
    expect(issuesOf(ticketSnapshot(), withSubject(subject)).map((i) => i.path)).toEqual(['body.subject']);
  });

  it.each([
    ['a lone surrogate', 'Hi \ud800'],
    ['NUL', 'Hi \u0000'],
    ['ESC', 'Hi \u001b'],
  ])('refuses %s in a message, a conversation body and feedback', (_name, bad) => {
    const body = {
      recipients: ['u-a'],
      message: bad,
      ticket: { ...snapshot, conversation: [{ author: 'Ann', body: bad, at: '2026-01-01T10:00:00Z' }] },
    };
    expect(issuesOf(createApprovalBody(), body).map((i) => i.path)).toEqual(['body.message', 'body.ticket.conversation.0.body']);
    expect(issuesOf(respondBody(), { feedback: bad }).map((i) => i.path)).toEqual(['body.feedback']);
  });

  it('keeps line breaks and tabs in bodies, and emoji and Persian joiners in names', () => {
    const parsed = parse(
      createApprovalBody(),
      {
        recipients: ['u-a'],
        message: 'Line one\r\n\tLine two 👩‍💻',
        ticket: { ...snapshot, requester: { name: 'می‌خواهم', email: 'ann@example.org' } },
      },
      'body',
    );
    expect(parsed.message).toBe('Line one\r\n\tLine two 👩‍💻');
    expect(parsed.ticket.requester.name).toBe('می‌خواهم');
  });

  it('strips bidi overrides and zero-width characters from subjects and names', () => {
    const parsed = parse(
      ticketSnapshot(),
      { ...snapshot, subject: 'Invoice \u202efdp.exe\u202c', requester: { name: '\u200bAnn\u2060\ufeff', email: 'ann@example.org' } },
      'body',
    );
    expect(parsed.subject).toBe('Invoice fdp.exe');
    expect(parsed.requester.name).toBe('Ann');
    expect(parse(putApproverBody(), { kind: 'user', email: 'a@b.example', name: 'Ann\u200f' }, 'body').name).toBe('Ann');
  });

  it('refuses a name of only invisible characters as empty', () => {
    expect(issuesOf(putApproverBody(), { kind: 'user', email: 'a@b.example', name: '\u200b\u202e\u200d ' })).toEqual([
      { path: 'body.name', message: 'must not be empty' },
    ]);
  });
});

describe('query strings', () => {
  it.each(['0x10', '1e2', ' 5', '5 ', '+5', '5.0', '05', '', '0'])('refuses limit=%j', (limit) => {
    expect(issuesOf(listTicketsQuery(), { approvalStatus: 'pending', limit }, 'query').map((i) => i.path)).toEqual(['query.limit']);
  });

  it('takes a limit in decimal digits', () => {
    expect(parse(listTicketsQuery(), { approvalStatus: 'pending', limit: '25' }, 'query')).toEqual({
      approvalStatus: 'pending',
      limit: 25,
    });
  });
});

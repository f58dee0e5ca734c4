import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRequest, respond } from '../../functions/domain/approval-request.js';
import { approverContent, canonicalContent, contentChanges, contentHashOf } from '../../functions/domain/content.js';
import { changeContent } from '../../functions/domain/content-change.js';
import type { ApprovalRequest } from '../../functions/domain/types.js';
import { approver, NOW, technician, ticket } from './fixtures.js';

const later = '2026-11-25T11:00:00.000Z';
const signedIn = (sub: string) => ({ signedInAs: { sub, email: `${sub}@example.com` }, authTime: NOW });

function request(onContentChange: 'reapprove' | 'keep' = 'reapprove'): ApprovalRequest {
  const content = approverContent({ ticket, message: 'Please approve', policy: { type: 'all' } });
  return createRequest({
    id: 'T-1~01JD0000000000000000000000',
    ticketId: 'T-1',
    ticket,
    approvers: [approver('alice'), approver('bob')],
    policy: { type: 'all' },
    message: 'Please approve',
    contentHash: contentHashOf(content),
    onContentChange,
    actor: technician,
    now: NOW,
  }).after;
}

describe('content hash', () => {
  it('binds a staged request to its stages in order (names and policies), not to who sits in them', () => {
    const base = { ticket, message: null, policy: { type: 'all' } as const };
    const stages = [
      { index: 1, name: 'Manager', policy: { type: 'any' } as const },
      { index: 2, name: 'Finance', policy: { type: 'all' } as const },
    ];
    const staged = contentHashOf(approverContent({ ...base, stages }));
    expect(staged).not.toBe(contentHashOf(approverContent(base)));
    expect(contentHashOf(approverContent({ ...base, stages: [...stages].reverse().map((s, i) => ({ ...s, index: i + 1 })) }))).not.toBe(
      staged,
    );
    expect(contentHashOf(approverContent({ ...base, stages: [] }))).toBe(contentHashOf(approverContent(base)));
  });

  it('is the SHA-256 of the RFC 8785 canonical JSON, whatever the key order', () => {
    const content = approverContent({ ticket, message: null, policy: { type: 'any' } });
    const canonical = canonicalContent(content);
    expect(canonical.startsWith('{"message":null,"policy":{"type":"any"},"ticket":{"conversation":[{"at":')).toBe(true);
    expect(contentHashOf(content)).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
    const reordered = approverContent({ policy: { type: 'any' }, message: null, ticket: { ...ticket } });
    expect(contentHashOf(reordered)).toBe(contentHashOf(content));
  });

  it('says what changed, field by field, clipped', () => {
    const before = approverContent({ ticket, message: 'm', policy: { type: 'all' } });
    const after = approverContent({
      ticket: {
        ...ticket,
        subject: 'x'.repeat(1000),
        conversation: [...ticket.conversation, { author: 'Rita', body: 'Make it 100', at: '2026-11-25T09:00:00Z' }],
      },
      message: 'm',
      policy: { type: 'all' },
    });
    const changes = contentChanges(before, after);
    expect(changes.map((c) => c.field)).toEqual(['ticket.subject', 'ticket.conversation']);
    expect(changes[0]!.after!.length).toBeLessThanOrEqual(301);
    expect(changes[1]!.after).toBe('1 entry added (newest: Rita: Make it 100)');
  });
});

describe('a content change on an open request', () => {
  it('makes approvals on the older content stale, recomputes the status and mails those approvers', () => {
    const approved = respond({
      request: request(),
      approverId: 'alice',
      decision: 'approve',
      respondent: signedIn('a'),
      actor: technician,
      now: NOW,
    }).after;
    expect(approved.status).toBe('partially_approved');
    const change = changeContent({ request: approved, ticket: { ...ticket, subject: 'Buy 100 laptops' }, actor: technician, now: later });
    const alice = change.after.recipients.find((r) => r.approverId === 'alice')!;
    expect(alice).toMatchObject({ status: 'pending', signedInAs: null, staleApproval: { at: NOW, contentHash: approved.content.hash } });
    expect(change.after).toMatchObject({ status: 'pending', content: { version: 2 } });
    expect(change.after.content.hash).not.toBe(approved.content.hash);
    expect(change.mails).toEqual([{ kind: 'content_changed', approverId: 'alice' }]);
    expect(change.events.map((e) => e.type)).toEqual(['content_changed', 'status_changed']);
  });

  it('keeps approvals with "keep", and changes nothing when the content is the same or the request closed', () => {
    const kept = respond({ request: request('keep'), approverId: 'alice', decision: 'approve', actor: technician, now: NOW }).after;
    const change = changeContent({ request: kept, ticket: { ...ticket, subject: 'Other' }, actor: technician, now: later });
    expect(change.after.recipients[0]).toMatchObject({ status: 'approved', staleApproval: null });
    expect(change.mails).toEqual([]);
    expect(change.after.content.version).toBe(2);

    const same = changeContent({ request: kept, ticket, actor: technician, now: later });
    expect(same.after).toBe(kept);
    const closed = { ...kept, status: 'approved' as const };
    expect(changeContent({ request: closed, ticket: { ...ticket, subject: 'Other' }, actor: technician, now: later }).after).toBe(closed);
  });

  it('refuses an answer given on older content (409 content_changed) and one from another login (404)', () => {
    const open = request();
    expect(() =>
      respond({
        request: open,
        approverId: 'bob',
        decision: 'approve',
        contentHash: `sha256:${'0'.repeat(64)}`,
        actor: technician,
        now: NOW,
      }),
    ).toThrow(expect.objectContaining({ code: 'content_changed', details: { current: open.content.hash, version: 1 } }));
    const bound = respond({
      request: open,
      approverId: 'bob',
      feedback: 'hm',
      respondent: signedIn('bob-login'),
      actor: technician,
      now: NOW,
    }).after;
    expect(bound.recipients.find((r) => r.approverId === 'bob')!.loginSub).toBe('bob-login');
    expect(() =>
      respond({
        request: bound,
        approverId: 'bob',
        decision: 'approve',
        respondent: signedIn('someone-else'),
        actor: technician,
        now: NOW,
      }),
    ).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

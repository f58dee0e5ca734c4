import { beforeAll, describe, expect, it } from 'vitest';
import { call, newApprover, type Reply, type TestApprover, technicianToken, ticketBody, unique } from '../support/api.js';

/**
 * Every list route pages: `limit` items and an opaque `next` until it is null; nothing is listed
 * twice or skipped; a cursor that is garbage, or from another list, is a 400 and never a 5xx.
 */
type Page<K extends string> = { [key in K]: Record<string, unknown>[] } & { next: string | null };

async function everyPage<K extends string>(path: string, field: K, token: string, limit: number) {
  const pages: Page<K>[] = [];
  let next: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply: Reply<Page<K>> = await call<Page<K>>('GET', `${path}${separator}limit=${limit}${next ? `&next=${next}` : ''}`, { token });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body[field].length).toBeLessThanOrEqual(limit);
    pages.push(reply.body);
    next = reply.body.next;
  } while (next);
  return { pages, items: pages.flatMap((p) => p[field]) };
}

describe('paging', () => {
  let technician: string;
  let approver: TestApprover;
  let approverToken: string;
  let openId: string;
  const closedIds: string[] = [];

  beforeAll(async () => {
    technician = await technicianToken();
    approver = await newApprover(technician);
    approverToken = await approver.token();
    // One open request, then newer ones the approver already answered or that were canceled.
    const open = await call('POST', `/tickets/${unique('T')}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    openId = open.body.id;
    for (let i = 0; i < 5; i++) {
      const ticketId = unique('T');
      const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
      closedIds.push(created.body.id);
      if (i % 2) await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician });
      else await call('POST', `/portal/approvals/${created.body.id}/responses`, { token: approverToken, body: { decision: 'approve' } });
    }
  }, 120_000);

  it('lists the request still waiting on the approver first, ahead of newer closed ones, and pages through all', async () => {
    const { pages, items } = await everyPage('/portal/approvals', 'approvals', approverToken, 2);
    expect(pages[0]!.approvals[0]).toMatchObject({ requestId: openId, status: 'pending', you: { status: 'pending' } });
    expect(items.map((a) => a.requestId)).toEqual([openId, ...[...closedIds].reverse()]);
  });

  it('moves a request out of the waiting list once it closes', async () => {
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    expect((await everyPage('/portal/approvals', 'approvals', approverToken, 1)).items[0]).toMatchObject({ requestId: created.body.id });
    await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician });
    const { items } = await everyPage('/portal/approvals', 'approvals', approverToken, 3);
    expect(items[0]).toMatchObject({ requestId: openId });
    expect(items.find((a) => a.requestId === created.body.id)).toMatchObject({ status: 'canceled' });
  });

  it('pages the activity log oldest first, each entry once', async () => {
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    await call('POST', `/tickets/${ticketId}/approval/recipients/${approver.approverId}/reminders`, { token: technician });
    await call('DELETE', `/tickets/${ticketId}/approval`, { token: technician });
    const { pages, items } = await everyPage(`/tickets/${ticketId}/activity`, 'activity', technician, 1);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const types = items.map((e) => e.type);
    // The mailer's entries (mail_sent) interleave as the mails go out; the receipt signer's
    // (receipt_issued) follows the close whenever it has signed.
    const own = types.filter((t) => t !== 'mail_sent' && t !== 'receipt_issued');
    expect(own.slice(0, 2)).toEqual(['request_created', 'reminder_requested']);
    expect(own.slice(2).sort()).toEqual(['request_canceled', 'status_changed']);
    const at = items.map((e) => String(e.at));
    expect([...at].sort()).toEqual(at);
  });

  it('pages tickets by approval status across its shards, newest change first, none twice', async () => {
    const mine = await Promise.all(
      [0, 1, 2].map(async () => {
        const ticketId = unique('T');
        await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
        return ticketId;
      }),
    );
    const { items } = await everyPage('/tickets?approvalStatus=pending', 'tickets', technician, 7);
    const ids = items.map((t) => t.ticketId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of mine) expect(ids).toContain(id);
  });

  it('pages the directory, users then contacts, each approver once', async () => {
    const { items } = await everyPage('/directory/approvers', 'approvers', technician, 5);
    const ids = items.map((a) => a.approverId as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(approver.approverId);
    const kinds = items.map((a) => a.kind);
    expect(kinds.lastIndexOf('user')).toBeLessThan(kinds.indexOf('contact') === -1 ? Infinity : kinds.indexOf('contact'));
  });

  it('refuses a garbage cursor, or one from another list, with 400 and never a 5xx', async () => {
    const portal = await call('GET', '/portal/approvals?limit=1', { token: approverToken });
    const otherApprover = await newApprover(technician);
    const directory = await call('GET', '/directory/approvers?limit=1', { token: technician });
    const cases: [string, string][] = [
      ['/portal/approvals?next=garbage!', approverToken],
      ['/portal/approvals?next=eyJwIjo5fQ', approverToken],
      [`/portal/approvals?next=${portal.body.next}`, await otherApprover.token()],
      [`/tickets?approvalStatus=approved&next=${directory.body.next}`, technician],
      [
        `/tickets?approvalStatus=pending&next=${Buffer.from('{"status":"approved","before":"2026-01-01T00:00:00Z#x"}').toString('base64url')}`,
        technician,
      ],
      [`/directory/approvers?kind=contact&next=${directory.body.next}`, technician],
      [`/tickets/${unique('T')}/activity?next=${directory.body.next}`, technician],
      ['/directory/approvers?limit=0', technician],
      ['/directory/approvers?limit=101', technician],
    ];
    for (const [path, token] of cases) {
      const reply = await call('GET', path, { token });
      expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body.error.code).toMatch(/invalid_cursor|invalid_request|validation/);
    }
  });
});

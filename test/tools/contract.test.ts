import { describe, expect, it } from 'vitest';
import { assertMatchesContract, assertMatchesWebhookEvent } from '../../tools/contract.js';

const approver = {
  approverId: 'u-1',
  kind: 'user',
  name: 'Uma User',
  email: 'uma@example.com',
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
};
const error = (code: string) => ({ error: { code, message: 'A sentence.' } });

describe('assertMatchesContract', () => {
  it('accepts an answer the document describes', () => {
    expect(assertMatchesContract('GET', '/directory/approvers?kind=user', 200, { approvers: [approver], next: null })).toBe(true);
    expect(assertMatchesContract('PUT', '/directory/approvers/u-1', 201, approver)).toBe(true);
    expect(assertMatchesContract('DELETE', '/tickets/T-1/approval', 204, undefined)).toBe(true);
    expect(assertMatchesContract('GET', '/tickets/T-1/approval', 401, { message: 'Unauthorized' })).toBe(true);
  });

  it('rejects a status the route does not document', () => {
    expect(() => assertMatchesContract('GET', '/health', 404, error('not_found'))).toThrow(/does not list this status/);
  });

  it('rejects a field the document does not name, and a missing one', () => {
    expect(() =>
      assertMatchesContract('GET', '/directory/approvers', 200, { approvers: [{ ...approver, secret: 'x' }], next: null }),
    ).toThrow(/unevaluated properties/);
    const { email: _, ...withoutEmail } = approver;
    expect(() => assertMatchesContract('PUT', '/directory/approvers/u-1', 200, withoutEmail)).toThrow(/email/);
  });

  it("rejects an error code the route does not document for that status, and one of another route's", () => {
    expect(assertMatchesContract('DELETE', '/tickets/T-1/approval', 409, error('request_closed'))).toBe(true);
    expect(() => assertMatchesContract('DELETE', '/tickets/T-1/approval', 409, error('duplicate_email'))).toThrow(/allowed values/);
    expect(() => assertMatchesContract('DELETE', '/tickets/T-1/approval', 409, error('no_such_code'))).toThrow(/allowed values/);
  });

  it('rejects a body where the document says there is none', () => {
    expect(() => assertMatchesContract('DELETE', '/tickets/T-1/approval', 204, { ok: true })).toThrow(/no body/);
  });

  it('prefers a literal segment to a parameter, as API Gateway does', () => {
    expect(() => assertMatchesContract('GET', '/portal/config', 200, { approvals: [] })).toThrow(/PortalConfig|required/);
  });

  it('leaves answers to paths that are no route unchecked', () => {
    expect(assertMatchesContract('GET', '/no/such/route', 404, error('not_found'))).toBe(false);
    expect(assertMatchesContract('PATCH', '/tickets/T-1', 405, error('method_not_allowed'))).toBe(false);
  });
});

describe('assertMatchesWebhookEvent', () => {
  const event = {
    id: 'evt_01',
    type: 'approval.approved',
    timestamp: '2026-12-01T09:00:00Z',
    data: {
      ticketId: 'T-1',
      requestId: 'T-1~r1',
      status: 'approved',
      previousStatus: 'pending',
      sequence: 3,
      actor: { kind: 'approver', id: 'u-1' },
    },
  };

  it('accepts an event as API.md describes it, extra data fields included', () => {
    expect(() =>
      assertMatchesWebhookEvent({
        ...event,
        data: { ...event.data, recipient: { approverId: 'u-1', kind: 'user', name: 'Uma User', status: 'approved' } },
      }),
    ).not.toThrow();
  });

  it('rejects an unknown type and a missing sequence', () => {
    expect(() => assertMatchesWebhookEvent({ ...event, type: 'approval.maybe' })).toThrow(/does not match/);
    const { sequence: _, ...data } = event.data;
    expect(() => assertMatchesWebhookEvent({ ...event, data })).toThrow(/sequence/);
  });
});

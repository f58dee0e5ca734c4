import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../functions/domain/error-codes.js';
import {
  allApprovers,
  call,
  local,
  newApprover,
  type TestApprover,
  technicianAndApprover,
  technicianToken,
  ticketBody,
  unique,
} from '../support/api.js';

/** Every error of API.md, with its status and the error body, and nothing written. */
describe('errors', () => {
  let technician: string;
  let approver: TestApprover;
  beforeAll(async () => {
    ({ technician, approver } = await technicianAndApprover());
  });

  const expectError = (reply: { status: number; body: unknown }, status: number, code?: ErrorCode) => {
    // The catalogue (docs/api.md) says which status each code comes with.
    if (code) expect(ERROR_CODES[code].status).toBe(status);
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ error: { code: code ?? expect.any(String), message: expect.any(String) } });
  };

  describe('400 for a body that is not JSON or not the schema, and nothing is written', () => {
    const cases: [string, unknown][] = [
      ['a missing field', { message: 'x' }],
      ['a wrong type', { recipients: 'u-alice', ticket: ticketBody([]).ticket }],
      ['an unknown policy', { ...ticketBody(['u-alice']), policy: { type: 'most' } }],
      [
        'a malformed email',
        { ...ticketBody(['u-alice']), ticket: { ...ticketBody([]).ticket, requester: { name: 'R', email: 'not-an-email' } } },
      ],
      ['an empty recipient list', ticketBody([])],
      ['a duplicate recipient', ticketBody(['u-alice', 'u-alice'])],
    ];
    it.each(cases)('refuses %s', async (_name, body) => {
      const ticketId = unique('T');
      expectError(await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body }), 400, 'invalid_request');
      expect((await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
    });

    it('refuses a body that is not JSON', async () => {
      expectError(
        await call('POST', `/tickets/${unique('T')}/approval`, { token: technician, body: '{"recipients": [' }),
        400,
        'invalid_json',
      );
    });

    it('refuses an unknown approver kind and a malformed approver email', async () => {
      expectError(
        await call('PUT', `/directory/approvers/${unique('x')}`, {
          token: technician,
          body: { kind: 'boss', email: 'a@b.example', name: 'A' },
        }),
        400,
      );
      expectError(
        await call('PUT', `/directory/approvers/${unique('x')}`, { token: technician, body: { kind: 'user', email: 'nope', name: 'A' } }),
        400,
      );
    });

    it('refuses a portal response without decision or feedback, or with an unknown decision', async () => {
      const token = await approver.token();
      expectError(await call('POST', '/portal/approvals/01ABCDEFGHJKMNPQRSTVWXYZ01.VA/responses', { token, body: {} }), 400);
      expectError(
        await call('POST', '/portal/approvals/01ABCDEFGHJKMNPQRSTVWXYZ01.VA/responses', { token, body: { decision: 'maybe' } }),
        400,
      );
    });

    it('refuses a ticket list query with neither ids nor status', async () => {
      expectError(await call('GET', '/tickets', { token: technician }), 400);
      expectError(await call('GET', '/tickets?approvalStatus=bogus', { token: technician }), 400);
    });
  });

  it('401 without a token, with a garbage token and with a forged one', async () => {
    expectError(await call('GET', '/directory/approvers'), 401, 'unauthorized');
    expectError(await call('GET', '/directory/approvers', { token: 'garbage' }), 401, 'unauthorized');
    const [header, payload] = technician.split('.');
    expectError(await call('GET', '/directory/approvers', { token: `${header}.${payload}.c2lnbmF0dXJl` }), 401, 'unauthorized');
    expectError(await call('GET', '/portal/approvals'), 401, 'unauthorized');
  });

  it('403 for a token of the wrong group, both ways', async () => {
    expectError(await call('GET', '/directory/approvers', { token: await approver.token() }), 403, 'forbidden');
    expectError(
      await call('POST', `/tickets/${unique('T')}/approval`, { token: await approver.token(), body: ticketBody([approver.approverId]) }),
      403,
    );
    expectError(await call('GET', '/portal/approvals', { token: technician }), 403, 'forbidden');
  });

  it('404 for unknown ids and requests the caller may not see', async () => {
    expectError(await call('GET', `/tickets/${unique('T')}/approval`, { token: technician }), 404, 'not_found');
    expectError(await call('GET', `/tickets/${unique('T')}/activity`, { token: technician }), 404);
    expectError(await call('DELETE', `/directory/approvers/${unique('nobody')}`, { token: technician }), 404);
    expectError(await call('GET', '/portal/approvals/not-a-request-id', { token: await approver.token() }), 404);
    const ticketId = unique('T');
    await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    expectError(await call('POST', `/tickets/${ticketId}/approval/recipients/${unique('nobody')}/reminders`, { token: technician }), 404);
  });

  it('409 for an open request already on the ticket and for a duplicate email', async () => {
    const ticketId = unique('T');
    expect(
      (await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) })).status,
    ).toBe(201);
    expectError(
      await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) }),
      409,
      'open_request_exists',
    );
    expectError(
      await call('PUT', `/directory/approvers/${unique('dup')}`, {
        token: technician,
        body: { kind: 'user', email: approver.email.toUpperCase(), name: 'Dup' },
      }),
      409,
      'duplicate_email',
    );
  });

  it('413 for a body over 256 KiB', async () => {
    const body = ticketBody([approver.approverId], { message: 'x'.repeat(300 * 1024) });
    expectError(await call('POST', `/tickets/${unique('T')}/approval`, { token: technician, body }), 413, 'payload_too_large');
  });

  it('422 naming unknown and delisted approvers, and an unreachable quorum', async () => {
    const gone = await newApprover(technician, 'contact');
    expect((await call('DELETE', `/directory/approvers/${gone.approverId}`, { token: technician })).status).toBe(204);
    const ticketId = unique('T');
    const reply = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([approver.approverId, 'no-such-approver', gone.approverId]),
    });
    expectError(reply, 422, 'unknown_approvers');
    expect(reply.body.error.details.approverIds).toEqual(['no-such-approver', gone.approverId]);
    expectError(
      await call('POST', `/tickets/${ticketId}/approval`, {
        token: technician,
        body: ticketBody([approver.approverId], { policy: { type: 'quorum', count: 2 } }),
      }),
      422,
      'quorum_unreachable',
    );
    expect((await call('GET', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
  });

  it('a delisted approver can no longer answer, whatever their token says', async () => {
    const leaving = await newApprover(technician);
    const token = await leaving.token();
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody([leaving.approverId, approver.approverId]),
    });
    await call('DELETE', `/directory/approvers/${leaving.approverId}`, { token: technician });
    expectError(
      await call('POST', `/portal/approvals/${created.body.id}/responses`, { token, body: { decision: 'approve' } }),
      403,
      'delisted',
    );
    expectError(await call('GET', '/portal/approvals', { token }), 403, 'delisted');
    expect((await allApprovers(technician)).map((a) => a.approverId)).not.toContain(leaving.approverId);
    // Nothing of the refused answer was recorded (the answer's transaction checks the login).
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body.recipients.find((r: { approverId: string }) => r.approverId === leaving.approverId).status).toBe('pending');
    expect(tab.body.status).toBe('pending');
  });

  it('an approver neither sees nor answers a request that is not theirs', async () => {
    const outsider = await newApprover(technician, 'contact');
    const ticketId = unique('T');
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    const token = await outsider.token();
    expectError(await call('GET', `/portal/approvals/${created.body.id}`, { token }), 404, 'not_found');
    expectError(await call('POST', `/portal/approvals/${created.body.id}/responses`, { token, body: { decision: 'approve' } }), 404);
    const mine = await call('GET', '/portal/approvals', { token });
    expect(mine.body.approvals).toEqual([]);
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body.recipients[0].status).toBe('pending');
  });

  it('answers 404 in the API error format for a route that does not exist', async () => {
    expectError(await call('GET', '/nope', { token: technician }), 404);
    expect(local().apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});

describe('the ticket column', () => {
  it('answers a page that names a ticket twice', async () => {
    const technician = await technicianToken();
    const reply = await call('GET', '/tickets?ids=T-dup,T-dup', { token: technician });
    expect(reply.status).toBe(200);
    expect(reply.body.tickets).toEqual([
      { ticketId: 'T-dup', number: null, subject: null, approvalStatus: null, stageProgress: null },
      { ticketId: 'T-dup', number: null, subject: null, approvalStatus: null, stageProgress: null },
    ]);
  });
});

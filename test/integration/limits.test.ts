import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/http/schemas.js';
import { type ApiClient, createApiClient, type RawReply } from '../../tools/api-client.js';
import type { StoredMail } from '../../tools/mailbox.js';
import { ticketBody, unique } from '../../tools/request-body.js';
import { type PrivateStack, startPrivateStack } from '../support/private-stack.js';
import { claimsOf, tokenVariants } from '../support/tokens.js';

/**
 * The limits (API.md's 256 KiB body, schemas.ts LIMITS): each one accepted exactly at the limit
 * and refused one past it, with nothing written. Then the logs of everything this file did,
 * refusals and a failed sign-in included: no bearer token and no full email address in them.
 *
 * On a stack of its own, at the most talkative log level any stage uses (DEBUG), because the
 * shared stack's output stays inside the global setup where no test can read it.
 */
const MAX_BODY = 256 * 1024;
const AT = '2026-11-24T09:00:00Z';

describe('limits', () => {
  let stack: PrivateStack;
  let api: ApiClient;
  let technician: string;
  let approver: Awaited<ReturnType<ApiClient['newApprover']>>;
  let approverToken: string;
  /** Output of the stack from the first request of this file on (not its start-up banner). */
  let outputFrom = 0;
  const emails = new Set<string>();
  const tokens = new Set<string>();

  beforeAll(async () => {
    stack = await startPrivateStack({ LOG_LEVEL: 'DEBUG' });
    api = createApiClient(stack.info);
    outputFrom = stack.output().length;
    technician = await api.technicianToken();
    approver = await api.newApprover(technician, 'user');
    approverToken = await approver.token();
    tokens.add(technician).add(approverToken);
    emails.add(approver.email).add(stack.info.demo.technician.email);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const expectRefused = (reply: RawReply, status: number, code?: string) => {
    expect(reply.status, reply.text.slice(0, 300)).toBe(status);
    expect(reply.body).toMatchObject({ error: { code: code ?? expect.any(String), message: expect.any(String) } });
  };
  const expectNoRequest = async (ticketId: string) => {
    expect((await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician })).status).toBe(404);
    expect((await api.raw('GET', `/tickets/${ticketId}/activity`, { token: technician })).status).toBe(404);
  };

  /** Approvers listed through the API, ten at a time (their portal logins are provisioned too). */
  async function listApprovers(count: number, prefix: string): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${unique(prefix)}-${i}`);
    for (let i = 0; i < ids.length; i += 10) {
      await Promise.all(
        ids.slice(i, i + 10).map(async (id, j) => {
          const email = `${id}@test.example`;
          emails.add(email);
          const reply = await api.raw('PUT', `/directory/approvers/${id}`, {
            token: technician,
            body: { kind: (i + j) % 2 ? 'contact' : 'user', email, name: `Approver ${id}` },
          });
          if (reply.status !== 201) throw new Error(`PUT approver ${id}: ${reply.status} ${reply.text}`);
        }),
      );
    }
    return ids;
  }

  describe('body size: 256 KiB', () => {
    /** A valid create body of exactly `bytes` bytes of UTF-8, the conversation filled with `unit`. */
    function bodyOfBytes(bytes: number, unit: 'x' | 'é'): string {
      const body = ticketBody([approver.approverId]);
      const perChar = Buffer.byteLength(unit);
      for (let entries = 1; entries <= LIMITS.conversationEntries; entries++) {
        body.ticket.conversation = Array.from({ length: entries }, () => ({ author: 'Rita Requester', body: '', at: AT }));
        const room = bytes - Buffer.byteLength(JSON.stringify(body));
        if (room > entries * LIMITS.conversationBody * perChar) continue;
        let left = room;
        for (const entry of body.ticket.conversation) {
          const chars = Math.min(LIMITS.conversationBody, Math.floor(left / perChar));
          entry.body = unit.repeat(chars);
          left -= chars * perChar;
        }
        // An odd byte left over from a two-byte unit goes into the message.
        body.message += 'x'.repeat(left);
        const text = JSON.stringify(body);
        if (Buffer.byteLength(text) !== bytes) throw new Error(`built ${Buffer.byteLength(text)} bytes, not ${bytes}`);
        return text;
      }
      throw new Error(`no valid body of ${bytes} bytes`);
    }

    it.each(['x', 'é'] as const)('accepts a body of exactly 256 KiB (filled with %s) and shows it back whole', async (unit) => {
      const ticketId = unique('T');
      const text = bodyOfBytes(MAX_BODY, unit);
      const reply = await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: text });
      expect(reply.status, reply.text.slice(0, 300)).toBe(201);
      const tab = await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician });
      expect(tab.status).toBe(200);
      const mine = await api.raw('GET', `/portal/approvals/${encodeURIComponent(reply.body.id)}`, { token: approverToken });
      expect(mine.status).toBe(200);
      expect(JSON.stringify(mine.body)).toContain(JSON.parse(text).ticket.conversation[1].body);
    });

    it.each(['x', 'é'] as const)('refuses one byte more (filled with %s) with 413, and writes nothing', async (unit) => {
      const ticketId = unique('T');
      const reply = await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: bodyOfBytes(MAX_BODY + 1, unit) });
      expectRefused(reply, 413, 'payload_too_large');
      await expectNoRequest(ticketId);
    });

    it('counts bytes, not characters: 200 Ki characters of "é" (400 KiB) get 413', async () => {
      const ticketId = unique('T');
      const body = ticketBody([approver.approverId], { message: 'é'.repeat(5000) });
      body.ticket.conversation = Array.from({ length: 10 }, () => ({ author: 'R', body: 'é'.repeat(20_000), at: AT }));
      const text = JSON.stringify(body);
      expect(text.length).toBeLessThan(MAX_BODY);
      expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_BODY);
      expectRefused(await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: text }), 413);
      await expectNoRequest(ticketId);
    });

    it('refuses an oversized body on every route that takes one, before anything else is looked at', async () => {
      const huge = JSON.stringify({ padding: 'x'.repeat(MAX_BODY) });
      const ticketId = unique('T');
      const open = await api.openRequest(technician, [approver.approverId]);
      for (const [method, path, token] of [
        ['PUT', `/directory/approvers/${unique('big')}`, technician],
        ['PUT', `/tickets/${ticketId}`, technician],
        ['POST', `/tickets/${ticketId}/approval`, technician],
        ['PUT', `/tickets/${open.ticketId}/approval/recipients`, technician],
        ['POST', `/portal/approvals/${encodeURIComponent(open.requestId)}/responses`, approverToken],
      ] as const) {
        expectRefused(await api.raw(method, path, { token, body: huge }), 413, 'payload_too_large');
      }
      await expectNoRequest(ticketId);
      const tab = await api.raw('GET', `/tickets/${open.ticketId}/approval`, { token: technician });
      expect(tab.body.recipients.map((r: { status: string; feedback: unknown[] }) => [r.status, r.feedback.length])).toEqual([
        ['pending', 0],
      ]);
    });
  });

  describe(`recipients per request: ${LIMITS.recipients}`, () => {
    let fifty: string[];
    let fiftyOthers: string[];
    beforeAll(async () => {
      fifty = await listApprovers(LIMITS.recipients, 'r');
      fiftyOthers = await listApprovers(LIMITS.recipients, 's');
    }, 120_000);

    it('accepts 50 recipients, and mails each of them once', async () => {
      const ticketId = unique('T');
      const reply = await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(fifty) });
      expect(reply.status, reply.text.slice(0, 300)).toBe(201);
      expect(reply.body.recipients).toHaveLength(50);
      const addresses = new Set(fifty.map((id) => `${id}@test.example`));
      const toThem = (m: StoredMail) => m.destination.to.some((to) => addresses.has(to));
      const mails = await api.waitForMails(toThem, 50, { timeoutMs: 30_000 });
      expect(new Set(mails.flatMap((m) => m.destination.to)).size).toBe(50);
      await api.waitForIdle();
      expect(await api.mails(toThem)).toHaveLength(50);
    });

    it('an edit that replaces all 50 recipients by 50 others never fails with a 5xx, and a refusal changes nothing', async () => {
      // (Reported: answered 422 too_many_changes, although schemas.ts sizes the limit so an edit may replace the whole list.)
      const { ticketId } = await api.openRequest(technician, fifty);
      const edited = await api.raw('PUT', `/tickets/${ticketId}/approval/recipients`, {
        token: technician,
        body: { recipients: fiftyOthers },
      });
      expect(edited.status, edited.text.slice(0, 300)).toBeLessThan(500);
      const tab = await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician });
      const pending = tab.body.recipients
        .filter((r: { status: string }) => r.status === 'pending')
        .map((r: { approverId: string }) => r.approverId);
      expect(pending.sort()).toEqual([...(edited.status === 200 ? fiftyOthers : fifty)].sort());
      if (edited.status !== 200) expectRefused(edited, edited.status);
    });

    it('accepts a quorum of 50 of 50, and refuses a quorum of 51 with 400', async () => {
      const ok = unique('T');
      const quorum = (count: number) => ticketBody(fifty, { policy: { type: 'quorum', count } });
      expect((await api.raw('POST', `/tickets/${ok}/approval`, { token: technician, body: quorum(50) })).status).toBe(201);
      const refused = unique('T');
      expectRefused(await api.raw('POST', `/tickets/${refused}/approval`, { token: technician, body: quorum(51) }), 400);
      await expectNoRequest(refused);
    });

    it('refuses 51 recipients with 400 and writes nothing', async () => {
      const ticketId = unique('T');
      expectRefused(
        await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([...fifty, fiftyOthers[0]!]) }),
        400,
        'invalid_request',
      );
      await expectNoRequest(ticketId);
    });

    it('edits a request up to 50 recipients, and refuses 51 with 400 leaving the list as it was', async () => {
      const { ticketId } = await api.openRequest(technician, fifty.slice(0, 10));
      const edited = await api.raw('PUT', `/tickets/${ticketId}/approval/recipients`, { token: technician, body: { recipients: fifty } });
      expect(edited.status, edited.text.slice(0, 300)).toBe(200);
      expectRefused(
        await api.raw('PUT', `/tickets/${ticketId}/approval/recipients`, {
          token: technician,
          body: { recipients: [...fifty, fiftyOthers[0]!] },
        }),
        400,
      );
      const tab = await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician });
      expect(
        tab.body.recipients
          .filter((r: { status: string }) => r.status === 'pending')
          .map((r: { approverId: string }) => r.approverId)
          .sort(),
      ).toEqual([...fifty].sort());
    });
  });

  describe(`feedback: ${LIMITS.feedback} characters`, () => {
    it('records 4000 characters of feedback, and refuses 4001 with 400 recording nothing', async () => {
      const { ticketId, requestId } = await api.openRequest(technician, [approver.approverId]);
      const path = `/portal/approvals/${encodeURIComponent(requestId)}/responses`;
      expectRefused(await api.raw('POST', path, { token: approverToken, body: { feedback: 'f'.repeat(LIMITS.feedback + 1) } }), 400);
      expectRefused(
        await api.raw('POST', path, { token: approverToken, body: { decision: 'approve', feedback: 'f'.repeat(LIMITS.feedback + 1) } }),
        400,
      );
      let tab = await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician });
      expect(tab.body.recipients[0]).toMatchObject({ status: 'pending', feedback: [] });
      expect((await api.raw('POST', path, { token: approverToken, body: { feedback: 'f'.repeat(LIMITS.feedback) } })).status).toBe(200);
      tab = await api.raw('GET', `/tickets/${ticketId}/approval`, { token: technician });
      expect(tab.body.recipients[0].feedback.map((f: { body: string }) => f.body.length)).toEqual([LIMITS.feedback]);
    });
  });

  describe('field lengths: at the limit accepted, one past it refused with 400 and nothing written', () => {
    const long = (n: number) => 'x'.repeat(n);
    /** A well-formed address of exactly `n` characters (the length goes into domain labels of at most 63). */
    const emailOf = (n: number) => {
      let local = unique('e');
      const labels: string[] = [];
      let room = n - local.length - 1 - 'example'.length;
      while (room >= 2) {
        const length = Math.min(63, room - 1);
        labels.push('d'.repeat(length));
        room -= length + 1;
      }
      local += 'l'.repeat(room);
      const email = `${local}@${[...labels, 'example'].join('.')}`;
      emails.add(email);
      return email;
    };
    /** An id of exactly `n` characters that no other test uses. */
    const idOf = (prefix: string, n: number) => `${unique(prefix)}${long(n - 10)}`;
    const withTicket = (ticket: Record<string, unknown>) => ({
      ...ticketBody([approver.approverId]),
      ticket: { ...ticketBody([]).ticket, ...ticket },
    });
    const conversation = (entries: number, body = 'b', author = 'A') => Array.from({ length: entries }, () => ({ author, body, at: AT }));

    interface Probe {
      method: string;
      path: string;
      body?: unknown;
      headers?: Record<string, string>;
    }
    const create =
      (body: (n: number) => unknown) =>
      (n: number): Probe => ({ method: 'POST', path: `/tickets/${unique('T')}/approval`, body: body(n) });
    const approverPut =
      (body: (n: number, id: string) => Record<string, unknown>, id = (_n: number) => unique('a')) =>
      (n: number): Probe => {
        const approverId = id(n);
        const email = `${approverId.slice(0, 40)}@test.example`;
        emails.add(email);
        return {
          method: 'PUT',
          path: `/directory/approvers/${approverId}`,
          body: { kind: 'user', email, name: 'Limit', ...body(n, approverId) },
        };
      };

    /** [what, limit, the request for a given length, its status when accepted] */
    const CASES: [string, number, (n: number) => Probe, number][] = [
      ['message', LIMITS.message, create((n) => ticketBody([approver.approverId], { message: long(n) })), 201],
      ['ticket number', 64, create((n) => withTicket({ number: long(n) })), 201],
      ['ticket subject', 500, create((n) => withTicket({ subject: long(n) })), 201],
      ['requester name', LIMITS.name, create((n) => withTicket({ requester: { name: long(n), email: 'rita@example.com' } })), 201],
      ['requester email', 254, create((n) => withTicket({ requester: { name: 'R', email: emailOf(n) } })), 201],
      ['conversation entries', LIMITS.conversationEntries, create((n) => withTicket({ conversation: conversation(n) })), 201],
      ['conversation body', LIMITS.conversationBody, create((n) => withTicket({ conversation: conversation(1, long(n)) })), 201],
      ['conversation author', LIMITS.name, create((n) => withTicket({ conversation: conversation(1, 'b', long(n)) })), 201],
      [
        'ticket id (create)',
        LIMITS.id,
        (n) => ({ method: 'POST', path: `/tickets/${idOf('T', n)}/approval`, body: ticketBody([approver.approverId]) }),
        201,
      ],
      [
        'ticket id (PUT /tickets)',
        LIMITS.id,
        (n) => ({ method: 'PUT', path: `/tickets/${idOf('T', n)}`, body: ticketBody([]).ticket }),
        200,
      ],
      [
        'approver id',
        LIMITS.id,
        approverPut(
          () => ({}),
          (n) => idOf('a', n),
        ),
        201,
      ],
      ['approver name', LIMITS.name, approverPut((n) => ({ name: long(n) })), 201],
      ['approver email', 254, approverPut((n) => ({ email: emailOf(n) })), 201],
      [
        'Idempotency-Key',
        255,
        (n) => ({
          method: 'POST',
          path: `/tickets/${unique('T')}/approval`,
          body: ticketBody([approver.approverId]),
          headers: { 'idempotency-key': idOf('k', n) },
        }),
        201,
      ],
    ];

    it('refuses one past every limit with 400, and none of it writes anything', async () => {
      await api.waitForIdle();
      const before = await api.dumpTable();
      const wrong: string[] = [];
      for (const [what, limit, probe] of CASES) {
        const over = probe(limit + 1);
        const reply = await api.raw(over.method, over.path, {
          token: technician,
          body: over.body,
          ...(over.headers ? { headers: over.headers } : {}),
        });
        if (reply.status !== 400 || typeof reply.body?.error?.code !== 'string')
          wrong.push(`${what} of ${limit + 1}: ${reply.status} ${reply.text.slice(0, 200)}`);
      }
      expect(wrong).toEqual([]);
      expect(await api.dumpTable()).toEqual(before);
    });

    it.each(CASES)('accepts a %s of %i', async (_what, limit, probe, status) => {
      const at = probe(limit);
      const reply = await api.raw(at.method, at.path, {
        token: technician,
        body: at.body,
        ...(at.headers ? { headers: at.headers } : {}),
      });
      expect(reply.status, reply.text.slice(0, 300)).toBe(status);
    });

    it('a recipient id of 129 characters is refused with 400 (one of 128 is a well-formed unknown: 422)', async () => {
      const ticketId = unique('T');
      const at = await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([long(LIMITS.id)]) });
      expectRefused(at, 422, 'unknown_approvers');
      expectRefused(
        await api.raw('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody([long(LIMITS.id + 1)]) }),
        400,
      );
      await expectNoRequest(ticketId);
    });

    it('a request id of 400 characters is looked up (404), one of 401 refused with 400', async () => {
      expectRefused(await api.raw('GET', `/portal/approvals/${long(400)}`, { token: approverToken }), 404);
      expectRefused(await api.raw('GET', `/portal/approvals/${long(401)}`, { token: approverToken }), 400);
    });

    it('GET /tickets takes 100 ids and a limit of 100, and refuses 101 of either with 400', async () => {
      const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(',');
      expect((await api.raw('GET', `/tickets?ids=${ids(100)}`, { token: technician })).status).toBe(200);
      expectRefused(await api.raw('GET', `/tickets?ids=${ids(101)}`, { token: technician }), 400);
      expect((await api.raw('GET', '/tickets?approvalStatus=pending&limit=100', { token: technician })).status).toBe(200);
      expectRefused(await api.raw('GET', '/tickets?approvalStatus=pending&limit=101', { token: technician }), 400);
    });
  });

  describe('logs', () => {
    it('never hold a bearer token or a full email address, refusals and a failed sign-in included', async () => {
      // A refusal that names an email in its answer (409), a refused token, and a failed sign-in.
      const duplicate = await api.raw('PUT', `/directory/approvers/${unique('dup')}`, {
        token: technician,
        body: { kind: 'user', email: approver.email, name: 'Duplicate' },
      });
      expectRefused(duplicate, 409, 'duplicate_email');
      const expired = tokenVariants.expired(claimsOf(technician));
      tokens.add(expired);
      expectRefused(await api.raw('GET', '/directory/approvers', { token: expired }), 401);
      expectRefused(await api.raw('GET', '/directory/approvers', { token: approverToken }), 403);
      await expect(api.signIn(approver.email, 'Wrong-password-1')).rejects.toThrow();
      // The mailer and the sweeper log too: let them finish what this file started.
      await api.waitForIdle();

      const output = stack.output().slice(outputFrom);
      // The check is only worth something if the handlers' logs are in there.
      expect(output).toContain('"message":"request refused"');
      const leaks: string[] = [];
      for (const token of tokens) {
        const [, payload, signature] = token.split('.');
        for (const part of [token, payload!, signature!]) if (output.includes(part)) leaks.push(`token part ${part.slice(0, 20)}…`);
      }
      for (const email of emails) if (output.toLowerCase().includes(email.toLowerCase())) leaks.push(email);
      expect(leaks).toEqual([]);

      // The emulators' own logs (stateDir/logs) hold no token either. cognito-local prints
      // invitation codes with the address they go to, as AWS would mail them: not our logs.
      const logs = join(stack.stateDir, 'logs');
      for (const file of readdirSync(logs)) {
        const text = readFileSync(join(logs, file), 'utf8');
        for (const token of tokens) expect(text.includes(token), `${file} holds a token`).toBe(false);
      }
    });
  });
});

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../functions/domain/types.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';

/**
 * Quick answers (functions/domain/quick-answer.ts) on a table of this file's own: what the
 * request item holds after each kind of write, which the HTTP tests cannot see.
 */
type Modules = {
  portal: typeof import('../../functions/services/portal.js');
  answers: typeof import('../../functions/services/answers.js');
  client: typeof import('../../functions/store/client.js');
  keys: typeof import('../../functions/store/keys.js');
  requestIds: typeof import('../../functions/domain/request-id.js');
  directory: typeof import('../../functions/store/directory-repository.js');
};
let m: Modules;

beforeAll(async () => {
  await useOwnTable('quick');
  process.env.LOG_LEVEL = 'SILENT';
  m = {
    portal: await import('../../functions/services/portal.js'),
    answers: await import('../../functions/services/answers.js'),
    client: await import('../../functions/store/client.js'),
    keys: await import('../../functions/store/keys.js'),
    requestIds: await import('../../functions/domain/request-id.js'),
    directory: await import('../../functions/store/directory-repository.js'),
  };
});

const session = (approverId: string) => ({
  approverId,
  signedInAs: { sub: `sub-${approverId}`, email: `${approverId}@example.com` },
  authTime: null,
});

function requestKeyOf(requestId: string) {
  const { ticketId, requestKey } = m.requestIds.fromRequestId(requestId);
  return m.keys.keys.request(ticketId, requestKey);
}

async function requestItem(requestId: string) {
  const { Item } = await m.client.documents.send(
    new GetCommand({ TableName: m.client.tableName(), Key: requestKeyOf(requestId), ConsistentRead: true }),
  );
  return Item as { status: string; version: number; baseVersion?: number; approvalsToGo?: number };
}

/** What a whole write (an edit, a reminder) does to the request item's guards, as if one came between a read and an answer. */
async function wroteWhole(requestId: string, version: number) {
  await m.client.documents.send(
    new UpdateCommand({
      TableName: m.client.tableName(),
      Key: requestKeyOf(requestId),
      UpdateExpression: 'SET baseVersion = :v, version = :v',
      ExpressionAttributeValues: { ':v': version },
    }),
  );
}

/** An approval decided on `request` as it was read, and its quick form (null: it must be written whole). */
async function approvalOn(request: ApprovalRequest, approverId: string) {
  const { respond } = await import('../../functions/domain/approval-request.js');
  const { quickAnswerOf } = await import('../../functions/domain/quick-answer.js');
  const change = respond({
    request,
    approverId,
    decision: 'approve',
    actor: { kind: 'approver', id: approverId },
    now: new Date().toISOString(),
  });
  return { change, quick: quickAnswerOf(change, approverId) };
}

const approve = (requestId: string, approverId: string) =>
  m.answers.recordResponse(requestId, session(approverId), { decision: 'approve' });

describe('quick answers', () => {
  it('approvals that leave others to approve move only the version and the count; the completing one is written whole', async () => {
    const { requestId } = await savedRequest(['a', 'b', 'c']);
    expect(await requestItem(requestId)).toMatchObject({ status: 'pending', version: 1, baseVersion: 1, approvalsToGo: 3 });
    expect((await approve(requestId, 'a')).request.status).toBe('partially_approved');
    expect(await requestItem(requestId)).toMatchObject({ status: 'partially_approved', version: 2, baseVersion: 1, approvalsToGo: 2 });
    await approve(requestId, 'b');
    expect(await requestItem(requestId)).toMatchObject({ version: 3, baseVersion: 1, approvalsToGo: 1 });
    // The last approval completes the request (its read says one to go): written whole, a new baseVersion.
    expect((await approve(requestId, 'c')).request.status).toBe('approved');
    expect(await requestItem(requestId)).toMatchObject({ status: 'approved', version: 4, baseVersion: 4, approvalsToGo: 0 });
  });

  it('a request item written before quick answers (no guards) takes its first answer whole, then quick ones', async () => {
    const { requestId } = await savedRequest(['a', 'b', 'c']);
    await m.client.documents.send(
      new UpdateCommand({
        TableName: m.client.tableName(),
        Key: requestKeyOf(requestId),
        UpdateExpression: 'REMOVE baseVersion, approvalsToGo',
      }),
    );
    expect((await approve(requestId, 'a')).request.status).toBe('partially_approved');
    expect(await requestItem(requestId)).toMatchObject({ version: 2, baseVersion: 2, approvalsToGo: 2 });
    await approve(requestId, 'b');
    expect(await requestItem(requestId)).toMatchObject({ version: 3, baseVersion: 2, approvalsToGo: 1 });
  });

  it('an answer decided on a stale read is refused, not written over a change made meanwhile', async () => {
    const { requestId } = await savedRequest(['a', 'b', 'c']);
    // A whole write (as an edit or a reminder makes) moves baseVersion between a read and the answer.
    const stale = await m.portal.requestFor(requestId, session('a'));
    await wroteWhole(requestId, 7);
    const { saveQuickAnswer, QuickAnswerRefused } = await import('../../functions/store/approval-repository.js');
    const { change, quick } = await approvalOn(stale.request, 'a');
    expect(quick).not.toBeNull();
    const refused = await saveQuickAnswer(change, quick!).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QuickAnswerRefused);
    expect((refused as InstanceType<typeof QuickAnswerRefused>).now).toMatchObject({ baseVersion: 7, status: 'pending' });
    // Nothing of the answer was written.
    expect(await requestItem(requestId)).toMatchObject({ version: 7, approvalsToGo: 3 });
    // Through the service, the answer is decided again on a fresh read and recorded.
    expect((await approve(requestId, 'a')).recipient.status).toBe('approved');
  });
});

describe('an approval read before another one came first', () => {
  /** The DynamoDB calls `work` makes, by command name. */
  async function callsOf(work: () => Promise<unknown>): Promise<string[]> {
    const calls: string[] = [];
    m.client.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countRaceCalls' },
    );
    try {
      await work();
    } finally {
      m.client.dynamodb.middlewareStack.remove('countRaceCalls');
    }
    return calls;
  }

  async function statusChanges(ticketId: string) {
    const { listActivity } = await import('../../functions/store/activity-repository.js');
    return (await listActivity(ticketId)).filter((e) => e.type === 'status_changed').map((e) => (e as { to: string }).to);
  }

  it('is decided again on what the refusal returned, without a read, and the status changes once', async () => {
    const { ticketId, requestId } = await savedRequest(['r1', 'r2', 'r3']);
    const stale = await m.portal.requestFor(requestId, session('r2'));
    await approve(requestId, 'r1');
    let reply: Awaited<ReturnType<typeof approve>> | undefined;
    const calls = await callsOf(async () => {
      reply = await m.answers.recordResponse(requestId, session('r2'), { decision: 'approve' }, { read: stale });
    });
    // The write from `pending` refused, the same answer written from `partially_approved`.
    expect(calls).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    expect(reply).toMatchObject({ request: { status: 'partially_approved' }, recipient: { approverId: 'r2', status: 'approved' } });
    expect(await requestItem(requestId)).toMatchObject({ status: 'partially_approved', version: 3, baseVersion: 1, approvalsToGo: 1 });
    expect(await statusChanges(ticketId)).toEqual(['partially_approved']);
  });

  it('that completes the request is read afresh and written whole', async () => {
    const { ticketId, requestId } = await savedRequest(['w1', 'w2']);
    const stale = await m.portal.requestFor(requestId, session('w2'));
    await approve(requestId, 'w1');
    let reply: Awaited<ReturnType<typeof approve>> | undefined;
    const calls = await callsOf(async () => {
      reply = await m.answers.recordResponse(requestId, session('w2'), { decision: 'approve' }, { read: stale });
    });
    // Refused (one to go now), read afresh (without the conversation), written whole; then the
    // conversation, once, for the reply.
    expect(calls).toEqual(['TransactWriteItems', 'Query', 'TransactWriteItems', 'GetItem']);
    expect(reply).toMatchObject({ request: { status: 'approved' }, recipient: { approverId: 'w2', status: 'approved' } });
    expect(await requestItem(requestId)).toMatchObject({ status: 'approved', version: 3, baseVersion: 3, approvalsToGo: 0 });
    expect(await statusChanges(ticketId)).toEqual(['partially_approved', 'approved']);
  });
});

describe('a ticket snapshot refreshed between a read and an answer', () => {
  it('moves baseVersion, so the answer is decided again on a fresh read', async () => {
    const { ticketId, requestId } = await savedRequest(['s1', 's2', 's3']);
    const stale = await m.portal.requestFor(requestId, session('s1'));
    const { saveTicketSnapshot, saveQuickAnswer, QuickAnswerRefused } = await import('../../functions/store/approval-repository.js');
    const { activity } = await import('../../functions/domain/activity.js');
    const at = new Date().toISOString();
    await saveTicketSnapshot(
      ticketId,
      { ...stale.request.ticket, subject: 'renamed' },
      stale.request,
      activity('ticket_updated', { at, actor: { kind: 'technician', id: 'tech' } as never, requestId }, {}),
    );
    expect(await requestItem(requestId)).toMatchObject({ version: 2, baseVersion: 2 });
    const { change, quick } = await approvalOn(stale.request, 's1');
    const refused = await saveQuickAnswer(change, quick!).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QuickAnswerRefused);
    // Through the service, on the same stale read: refused, read afresh, written, and the reply
    // shows the ticket as it is now.
    const answered = await m.answers.recordResponse(requestId, session('s1'), { decision: 'approve' }, { read: stale });
    expect(answered.recipient.status).toBe('approved');
    expect(answered.request.ticket.subject).toBe('renamed');
  });
});

describe('an answer found by its token', () => {
  const caller = (sub: string, email: string) => ({ sub, email, name: null, groups: ['users'], authTime: null });

  async function listed(approverId: string, sub: string, email = `${approverId}@example.com`) {
    const { listedEntry } = await import('../support/own-table.js');
    const entry = listedEntry({ approverId, name: approverId, email, sub });
    await m.directory.saveApprover(entry, null);
    return entry;
  }

  it('costs a Query and a transaction, the login checked in the transaction', async () => {
    await listed('tok-a', 'sub-tok-a');
    const { requestId } = await savedRequest(['tok-a', 'tok-b']);
    const calls: string[] = [];
    m.client.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    try {
      const { recipient } = await m.answers.answerAs(requestId, caller('sub-tok-a', 'TOK-A@example.com'), { decision: 'approve' });
      expect(recipient.status).toBe('approved');
    } finally {
      m.client.dynamodb.middlewareStack.remove('countCalls');
    }
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
  });

  it('is refused for a delisted approver, and writes nothing', async () => {
    const entry = await listed('tok-c', 'sub-tok-c');
    const { requestId } = await savedRequest(['tok-c', 'tok-d']);
    await m.directory.delistApprover(entry, new Date().toISOString());
    await expect(m.answers.answerAs(requestId, caller('sub-tok-c', 'tok-c@example.com'), { decision: 'approve' })).rejects.toMatchObject({
      name: 'ForbiddenError',
      code: 'delisted',
    });
    expect(await requestItem(requestId)).toMatchObject({ status: 'pending', version: 1 });
  });

  it("cannot answer for another approver's place whose email the token carries", async () => {
    await listed('tok-e', 'sub-tok-e');
    await listed('tok-z', 'sub-tok-z', 'zed@example.com');
    const { requestId } = await savedRequest(['tok-e', 'tok-f']);
    // tok-z's login, with tok-e's email in the token: the place found is tok-e's, the login is not.
    await expect(m.answers.answerAs(requestId, caller('sub-tok-z', 'tok-e@example.com'), { decision: 'approve' })).rejects.toMatchObject({
      name: 'NotFoundError',
      code: 'not_found',
    });
    expect(await requestItem(requestId)).toMatchObject({ status: 'pending', version: 1 });
  });
});

describe('a failed login check among failed conditions', () => {
  it('is the error, so a delisted caller is told 403 the usual way, not 409 for a race', async () => {
    const { listedEntry } = await import('../support/own-table.js');
    const entry = listedEntry({ approverId: 'tok-g', name: 'G', email: 'tok-g@example.com', sub: 'sub-tok-g' });
    await m.directory.saveApprover(entry, null);
    const { requestId } = await savedRequest(['tok-g', 'tok-h']);
    const stale = await m.portal.requestFor(requestId, session('tok-g'));
    await m.directory.delistApprover(entry, new Date().toISOString());
    // And another kind of change since the read: the request's own guard fails too.
    await wroteWhole(requestId, 9);
    const { saveQuickAnswer } = await import('../../functions/store/approval-repository.js');
    const { change, quick } = await approvalOn(stale.request, 'tok-g');
    const failed = await saveQuickAnswer(change, quick!, [m.directory.loginCheck('sub-tok-g', 'tok-g')]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(m.directory.LoginNotConfirmed);
  });
});

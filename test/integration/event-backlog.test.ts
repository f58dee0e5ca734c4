import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROWTH_LIMITS } from '../../functions/domain/limits.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';

/**
 * The ticket item's list of events waiting for their number (`unsequenced`, event-outbox.ts) is
 * capped (limits.ts): with the dispatcher stalled, a ticket that keeps changing is refused with a
 * 503 that writes nothing, instead of growing the item until every change on it fails. On a table
 * of this file's own, where no dispatcher numbers anything, so the list stays as the test sets it.
 */
type Modules = {
  answers: typeof import('../../functions/services/answers.js');
  client: typeof import('../../functions/store/client.js');
  keys: typeof import('../../functions/store/keys.js');
  ids: typeof import('../../functions/store/ids.js');
  requestIds: typeof import('../../functions/domain/request-id.js');
  activity: typeof import('../../functions/store/activity-repository.js');
  errors: typeof import('../../functions/domain/errors.js');
  http: typeof import('../../functions/http/errors.js');
  outbox: typeof import('../../functions/store/event-outbox.js');
  directory: typeof import('../../functions/store/directory-repository.js');
};
let m: Modules;

beforeAll(async () => {
  await useOwnTable('backlog');
  process.env.LOG_LEVEL = 'SILENT';
  m = {
    answers: await import('../../functions/services/answers.js'),
    client: await import('../../functions/store/client.js'),
    keys: await import('../../functions/store/keys.js'),
    ids: await import('../../functions/store/ids.js'),
    requestIds: await import('../../functions/domain/request-id.js'),
    activity: await import('../../functions/store/activity-repository.js'),
    errors: await import('../../functions/domain/errors.js'),
    http: await import('../../functions/http/errors.js'),
    outbox: await import('../../functions/store/event-outbox.js'),
    directory: await import('../../functions/store/directory-repository.js'),
  };
});

const CAP = GROWTH_LIMITS.unnumberedEventsPerTicket;

const session = (approverId: string) => ({
  approverId,
  signedInAs: { sub: `sub-${approverId}`, email: `${approverId}@example.com` },
  authTime: null,
});

/** The ticket's list set to `count` keys, as events written while nothing numbered them would leave it. */
async function waitingEvents(ticketId: string, count: number) {
  await m.client.documents.send(
    new UpdateCommand({
      TableName: m.client.tableName(),
      Key: m.keys.keys.ticket(ticketId),
      UpdateExpression: 'SET unsequenced = :keys',
      ExpressionAttributeValues: { ':keys': Array.from({ length: count }, () => m.ids.ulid()) },
    }),
  );
}

async function item(key: { pk: string; sk: string }) {
  const { Item } = await m.client.documents.send(new GetCommand({ TableName: m.client.tableName(), Key: key, ConsistentRead: true }));
  return Item as Record<string, unknown>;
}

describe('events waiting for their number, at the cap', () => {
  it('refuses a change with 503 and Retry-After, writes nothing, and takes it once the dispatcher caught up', async () => {
    const { ticketId, requestId } = await savedRequest(['a', 'b', 'c']);
    const { requestKey } = m.requestIds.fromRequestId(requestId);
    await waitingEvents(ticketId, CAP);
    const ticket = await item(m.keys.keys.ticket(ticketId));
    // The worst case of the ticket item stays far under DynamoDB's 400 KB.
    expect(Buffer.byteLength(JSON.stringify(ticket))).toBeLessThan(200 * 1024);
    const request = await item(m.keys.keys.request(ticketId, requestKey));
    const logged = (await m.activity.listActivity(ticketId)).length;

    const refused = await m.answers.recordResponse(requestId, session('a'), { decision: 'approve' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(m.errors.UnavailableError);
    const reply = m.http.toErrorResponse(refused);
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['retry-after']).toBe('60');
    expect(JSON.parse(reply.body as string)).toMatchObject({ error: { code: 'unavailable' } });
    // Nothing of the answer was written: the request, its recipient, the log and the list are as they were.
    expect(await item(m.keys.keys.request(ticketId, requestKey))).toEqual(request);
    expect(await item(m.keys.keys.recipient(ticketId, requestKey, 'a'))).toMatchObject({ status: 'pending' });
    expect(await m.activity.listActivity(ticketId)).toHaveLength(logged);
    expect(((await item(m.keys.keys.ticket(ticketId))).unsequenced as string[]).length).toBe(CAP);

    // A decline is written whole (not the quick way): refused the same.
    const declined = await m.answers.recordResponse(requestId, session('b'), { decision: 'decline' }).catch((error: unknown) => error);
    expect(declined).toBeInstanceOf(m.errors.UnavailableError);

    // Room for one of the answer's two events (approval.responded, approval.partially_approved): refused.
    await waitingEvents(ticketId, CAP - 1);
    const oneShort = await m.answers.recordResponse(requestId, session('a'), { decision: 'approve' }).catch((error: unknown) => error);
    expect(oneShort).toBeInstanceOf(m.errors.UnavailableError);
    // Room for exactly both.
    await waitingEvents(ticketId, CAP - 2);
    const answered = await m.answers.recordResponse(requestId, session('a'), { decision: 'approve' });
    expect(answered.request.status).toBe('partially_approved');
    expect(((await item(m.keys.keys.ticket(ticketId))).unsequenced as string[]).length).toBe(CAP);
  });
});

describe('an answer found by its token, at the cap', () => {
  it('is told 503 at once, without a second try the usual way', async () => {
    const { listedEntry } = await import('../support/own-table.js');
    await m.directory.saveApprover(listedEntry({ approverId: 'tok', name: 'tok', email: 'tok@example.com', sub: 'sub-tok' }), null);
    const { ticketId, requestId } = await savedRequest(['tok', 'other']);
    await waitingEvents(ticketId, CAP);
    const calls: string[] = [];
    m.client.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countBacklogCalls' },
    );
    let refused: unknown;
    try {
      const caller = { sub: 'sub-tok', email: 'tok@example.com', name: null, groups: ['users'], authTime: null };
      refused = await m.answers.answerAs(requestId, caller, { decision: 'approve' }).catch((error: unknown) => error);
    } finally {
      m.client.dynamodb.middlewareStack.remove('countBacklogCalls');
    }
    expect(refused).toBeInstanceOf(m.errors.UnavailableError);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
  });
});

describe('a backlog at the cap', () => {
  // Numbering a list at the cap takes 51 rounds of a 100-write transaction: what that costs
  // DynamoDB Local beside the rest of the suite (up to two minutes) is no test's to pay. The
  // rounds' bound must cover it; that numbering goes on round after round is the 120-event case
  // of dispatcher-faults.test.ts.
  it('is within the rounds one call of the numbering may take', () => {
    expect(m.outbox.MAX_NUMBERING_ROUNDS * m.outbox.NUMBERED_PER_ROUND).toBeGreaterThanOrEqual(CAP + m.outbox.NUMBERED_PER_ROUND);
  });
});

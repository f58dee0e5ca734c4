import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { respond } from '../../functions/domain/approval-request.js';
import { fromRequestId, toRequestId } from '../../functions/domain/request-id.js';
import { recipientDomainFields, requestAttributes } from '../../functions/store/approval-records.js';
import { ulid } from '../../functions/store/ids.js';
import { keys } from '../../functions/store/keys.js';
import { newRequest } from '../domain/fixtures.js';

/*
 * What DynamoDB Local cannot produce: real DynamoDB cancels a transaction that touches an item
 * another transaction is writing at that very moment (TransactionConflict). Fifty approvers
 * answering at once do exactly that on AWS; a quick answer writes again, without a read.
 */
const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

beforeAll(() => {
  process.env.TABLE_NAME = 'conflicts';
  process.env.LOG_LEVEL = 'SILENT';
});

const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });

/** The items of a request of three, after a0's approval, as the store keeps them. */
function storedRequest() {
  const fresh = newRequest(['a0', 'a1', 'a2'], { id: toRequestId('T1', ulid()) });
  const request = respond({
    request: fresh,
    approverId: 'a0',
    decision: 'approve',
    actor: { kind: 'approver', id: 'a0' },
    now: fresh.createdAt,
  }).after;
  const { requestKey } = fromRequestId(request.id);
  return {
    request,
    items: [
      { ...keys.request(request.ticketId, requestKey), entity: 'request', ...requestAttributes(request), baseVersion: 1, approvalsToGo: 2 },
      ...request.recipients.map((r) => ({
        ...keys.recipient(request.ticketId, requestKey, r.approverId),
        entity: 'recipient',
        ...recipientDomainFields(r),
      })),
    ],
  };
}

const session = { approverId: 'a1', signedInAs: { sub: 'sub-a1', email: 'a1@example.com' }, authTime: null };

describe('a quick answer meeting a transaction conflict', () => {
  it('writes again without reading, and is recorded', async () => {
    const { request, items } = storedRequest();
    documents.on(QueryCommand).resolves({ Items: items });
    documents.on(GetCommand).resolves({});
    documents.on(TransactWriteCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves({});
    const { recordResponse } = await import('../../functions/services/answers.js');
    const { recipient } = await recordResponse(request.id, session, { decision: 'approve' });
    expect(recipient.status).toBe('approved');
    expect(documents.commandCalls(QueryCommand)).toHaveLength(1);
    const writes = documents.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(3);
    // The same quick write each time: the request by deltas under its guards.
    for (const w of writes) {
      expect(w.args[0].input.TransactItems?.[0]?.Update?.ConditionExpression).toBe(
        'baseVersion = :base AND #status = :from AND approvalsToGo > :one',
      );
    }
  });

  it('reads afresh once the conflicts outlast its few quick tries', async () => {
    const { request, items } = storedRequest();
    documents.on(QueryCommand).resolves({ Items: items });
    documents.on(GetCommand).resolves({});
    let writes = documents.on(TransactWriteCommand);
    for (let i = 0; i < 6; i++) writes = writes.rejectsOnce(conflict());
    writes.resolves({});
    const { recordResponse } = await import('../../functions/services/answers.js');
    const { recipient } = await recordResponse(request.id, session, { decision: 'approve' });
    expect(recipient.status).toBe('approved');
    // 6 writes (the first and 5 more) on the first read, then a fresh read and the write that holds.
    expect(documents.commandCalls(QueryCommand)).toHaveLength(2);
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(7);
  });

  it('ends in 409 concurrent_update, not a timeout, when the conflicts outlast its deadline', async () => {
    const { request, items } = storedRequest();
    documents.on(QueryCommand).resolves({ Items: items });
    documents.on(GetCommand).resolves({});
    documents.on(TransactWriteCommand).rejects(conflict());
    const { recordResponse } = await import('../../functions/services/answers.js');
    await expect(recordResponse(request.id, session, { decision: 'approve' }, { deadline: Date.now() + 300 })).rejects.toMatchObject({
      code: 'concurrent_update',
    });
    // Whole rounds only: 6 writes per read.
    expect(documents.commandCalls(TransactWriteCommand).length).toBe(6 * documents.commandCalls(QueryCommand).length);
  });
});

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, UnavailableError } from '../../functions/domain/errors.js';
import { retryOnStaleState, StaleStateError, transact } from '../../functions/store/transaction.js';

const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const put = { item: { Put: { TableName: 't', Item: { pk: 'a', sk: 'b' } } } };

describe('transact', () => {
  it('turns a failed condition into the error of the item that failed', async () => {
    documents.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed'));
    const open = new ConflictError('open_request_exists', 'open');
    await expect(transact([put, { ...put, onConditionFailed: () => open }])).rejects.toBe(open);
  });

  it('turns a conflicting transaction into a stale-state conflict (409 if it escapes)', async () => {
    documents.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None'));
    await expect(transact([put, put])).rejects.toBeInstanceOf(StaleStateError);
  });

  it('turns throttling that outlasted the SDK retries into 503 with Retry-After', async () => {
    documents.on(TransactWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(transact([put])).rejects.toBeInstanceOf(UnavailableError);
  });

  it('refuses a change larger than one transaction, before writing anything', async () => {
    await expect(transact(Array(101).fill(put))).rejects.toMatchObject({ code: 'too_many_changes' });
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('retryOnStaleState', () => {
  it('reads and decides again after a concurrent change, and gives up with a 409 in the end', async () => {
    let attempts = 0;
    await expect(retryOnStaleState(async () => (++attempts < 3 ? Promise.reject(new StaleStateError()) : 'ok'))).resolves.toBe('ok');
    expect(attempts).toBe(3);
    await expect(retryOnStaleState(async () => Promise.reject(new StaleStateError()), 2)).rejects.toBeInstanceOf(ConflictError);
  });

  it('starts no try that could not end before its deadline: the 409 is the answer then', async () => {
    let attempts = 0;
    const losing = () => {
      attempts++;
      return Promise.reject(new StaleStateError());
    };
    // Deadline already reached: the first try's 409 is the answer, no retry is started.
    await expect(retryOnStaleState(losing, { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(StaleStateError);
    expect(attempts).toBe(1);
    // Far away: it keeps trying up to its attempt limit.
    attempts = 0;
    await expect(retryOnStaleState(losing, { deadline: Date.now() + 3_600_000, maxAttempts: 3 })).rejects.toBeInstanceOf(StaleStateError);
    expect(attempts).toBe(3);
  });
});

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { backoffMs, staleStateRetry } from '../domain/backoff.js';
import { ConflictError, UnavailableError, UnprocessableError } from '../domain/errors.js';
import { documents, tableName } from './client.js';
import { isConditionFailed } from './conditions.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * One write of a transaction, and the error to raise when its condition fails; with
 * ReturnValuesOnConditionCheckFailure it is handed the item as it was (DynamoDB's attribute values).
 */
export type OnConditionFailed = (item?: Record<string, unknown>) => Error;
export interface TxWrite {
  item: TransactItem;
  onConditionFailed?: OnConditionFailed;
}

type TableWrite<K extends 'Put' | 'Update' | 'ConditionCheck'> = Omit<NonNullable<TransactItem[K]>, 'TableName'>;

/** `onConditionFailed` only when given: without it a failed condition is transact()'s StaleStateError. */
const txWrite = (item: TransactItem, onConditionFailed: OnConditionFailed | undefined): TxWrite => ({
  item,
  ...(onConditionFailed ? { onConditionFailed } : {}),
});

/** A Put of one item of the table, as a write of transact(). */
export const txPut = (put: TableWrite<'Put'>, onConditionFailed?: OnConditionFailed): TxWrite =>
  txWrite({ Put: { TableName: tableName(), ...put } }, onConditionFailed);

/** An Update of one item of the table, as a write of transact(). */
export const txUpdate = (update: TableWrite<'Update'>, onConditionFailed?: OnConditionFailed): TxWrite =>
  txWrite({ Update: { TableName: tableName(), ...update } }, onConditionFailed);

/** A condition on an item the transaction does not write: it commits only while the condition holds. */
export const txConditionCheck = (check: TableWrite<'ConditionCheck'>, onConditionFailed?: OnConditionFailed): TxWrite =>
  txWrite({ ConditionCheck: { TableName: tableName(), ...check } }, onConditionFailed);

/** DynamoDB's limit of actions in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The request or ticket changed between our read and our write (another writer won). Callers
 * re-read and re-apply; if it escapes, the client sees a 409 it can retry.
 */
export class StaleStateError extends ConflictError {
  constructor(options: { cause?: unknown } = {}) {
    super('concurrent_update', 'The approval request changed at the same time; please retry.', options);
  }
}

/**
 * Another transaction was writing one of the same items at that moment (real DynamoDB; DynamoDB
 * Local runs transactions one at a time). Nothing was decided against our conditions: the same
 * write may simply be tried again.
 */
export class TransactionConflictError extends StaleStateError {}

/**
 * Writes all or nothing. A failed condition becomes the domain error of the item that failed;
 * a conflicting concurrent transaction becomes StaleStateError; throttling that outlasted the
 * SDK's retries becomes UnavailableError (503 with Retry-After). Anything else is rethrown.
 */
export async function transact(writes: TxWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (writes.length > MAX_TRANSACTION_ITEMS) {
    throw new UnprocessableError(
      'too_many_changes',
      'This edit changes too many recipients at once; change fewer at a time, or cancel the request and ask anew.',
      {
        details: { items: writes.length, limit: MAX_TRANSACTION_ITEMS },
      },
    );
  }
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: writes.map((w) => w.item) }));
  } catch (error) {
    throw translateWriteError(error, writes);
  }
}

export function translateWriteError(error: unknown, writes: TxWrite[] = []): unknown {
  if (error instanceof TransactionCanceledException) {
    const reasons = error.CancellationReasons ?? [];
    const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    if (failed >= 0) return writes[failed]?.onConditionFailed?.(reasons[failed]?.Item) ?? new StaleStateError({ cause: error });
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return new TransactionConflictError({ cause: error });
    if (reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')) {
      return new UnavailableError('The service is busy; please retry shortly.', 2, { cause: error });
    }
    return error;
  }
  const name = (error as { name?: string } | null)?.name;
  if (isConditionFailed(error)) return new StaleStateError({ cause: error });
  if (name === 'TransactionConflictException') return new TransactionConflictError({ cause: error });
  if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') {
    return new UnavailableError('The service is busy; please retry shortly.', 2, { cause: error });
  }
  return error;
}

export interface RetryOptions {
  maxAttempts?: number;
  /**
   * Epoch ms by which the caller must have its answer (the function's own timeout, less the
   * time to reply). No try starts that could not end before it: the last StaleStateError (409,
   * retryable) is the answer then, never a timeout.
   */
  deadline?: number;
}

/**
 * Runs read-decide-write again when another writer got there first: optimistic locking needs a
 * fresh read, not a blind retry, spread by staleStateRetry (domain/backoff.ts).
 */
export async function retryOnStaleState<T>(attempt: () => Promise<T>, options: number | RetryOptions = {}): Promise<T> {
  const { maxAttempts = 60, deadline = Number.POSITIVE_INFINITY } = typeof options === 'number' ? { maxAttempts: options } : options;
  for (let i = 1; ; i++) {
    const started = Date.now();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleStateError) || i >= maxAttempts) throw error;
      const took = Date.now() - started;
      const wait = backoffMs(staleStateRetry(took), i);
      // Another try must fit before the deadline, with room for one as slow as this one was.
      if (Date.now() + wait + 2 * took > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

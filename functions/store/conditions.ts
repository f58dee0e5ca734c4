/** A single write's condition failed (inside a transaction, DynamoDB reports it per item instead). */
export const isConditionFailed = (error: unknown) => (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/**
 * One conditional write outside a transaction: when its condition fails, the answer is
 * `onConditionFailed()`; any other error is the caller's as it came. With transact()
 * (transaction.ts), the one place where a failed condition becomes what it means.
 */
export async function conditionally<T, U>(write: () => Promise<T>, onConditionFailed: () => U): Promise<T | U> {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailed(error)) return onConditionFailed();
    throw error;
  }
}

/**
 * The idempotency records' shapes, shared by the `Idempotency-Key` middleware
 * (http/idempotency.ts) and the store that keeps them (store/idempotency-repository.ts).
 */

/** A response as it is kept for replays. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What a claim on a key found: the key is ours now, or a first call completed or still runs. */
export type IdempotencyStart =
  | { state: 'started' }
  | { state: 'completed'; fingerprint: string; response: StoredResponse }
  | { state: 'in_progress'; fingerprint: string };

/**
 * Runs the Lambda handlers inside the benchmark process, pointed at the local stack, and counts
 * every DynamoDB call they make with a middleware on the one client of functions/store/client.ts.
 * The environment must be set before the first import of anything under functions/: config.ts
 * reads it once.
 */
import { JOBS } from '../functions/handlers/routes.js';
import { handlerOf, type InvokeInput, invokeJob, invokeRoute, routeNamed } from '../tools/invoke.js';
import type { BenchStack } from './stack.js';

export type { InvokeInput };

export interface DynamoCall {
  command: string;
  /** Error name when the call failed (after the SDK's retries). */
  error?: string;
  /** Wall time of the call, SDK retries included. */
  ms: number;
  /** Capacity units DynamoDB reported consumed (ReturnConsumedCapacity TOTAL, asked on every call). */
  rcu: number;
  wcu: number;
}

export interface Invocation {
  status: number;
  body: Record<string, unknown> | undefined;
  calls: DynamoCall[];
  /** HTTP requests sent, counting the SDK's retries. */
  attempts: number;
  /** The handler's wall time (its module already imported). */
  ms: number;
}

export interface Harness {
  /** One handler call, with the DynamoDB calls it made. */
  invoke(input: InvokeInput): Promise<Invocation>;
  /** One run of a job's handler (the sweeper, …), with the DynamoDB calls it made. */
  invokeJob(name: keyof typeof JOBS): Promise<{ value: unknown; calls: DynamoCall[]; attempts: number; ms: number }>;
  /** One handler call, not counted on its own (for concurrent calls inside `counting`). */
  run(input: InvokeInput): Promise<{ status: number; body: Record<string, unknown> | undefined }>;
  /** Runs work and returns the DynamoDB calls made meanwhile (by anything in this process). */
  counting<T>(work: () => Promise<T>): Promise<{ value: T; calls: DynamoCall[]; attempts: number }>;
  /** How the DocumentClient's calls were checked to pass through the counter. */
  documentClientCheck: string;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export async function createHarness(stack: BenchStack): Promise<Harness> {
  Object.assign(process.env, stack.handlerEnv, { LOG_LEVEL: 'ERROR' });
  const { dynamodb, documents, tableName } = await import('../functions/store/client.js');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');

  let calls: DynamoCall[] = [];
  let attempts = 0;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const call: DynamoCall = { command: String(context.commandName ?? 'unknown').replace(/Command$/, ''), ms: 0, rcu: 0, wcu: 0 };
      calls.push(call);
      const started = performance.now();
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          // DynamoDB Local reports CapacityUnits only; a read command's units are reads, a write's writes.
          const units = c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0);
          if (/^(Get|BatchGet|Query|Scan|TransactGet)/.test(call.command)) call.rcu += units;
          else call.wcu += units;
        }
        return result;
      } catch (error) {
        // A canceled transaction names why: ConditionalCheckFailed, TransactionConflict, …
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((r) => r.Code).filter(
          (code) => code && code !== 'None',
        );
        call.error = `${(error as Error).name}${reasons?.length ? `: ${[...new Set(reasons)].join(', ')}` : ''}`;
        throw error;
      } finally {
        call.ms = performance.now() - started;
      }
    },
    { step: 'initialize', name: 'benchCountCalls' },
  );
  // The deserialize step runs once per HTTP attempt, inside the retry middleware.
  dynamodb.middlewareStack.add(
    (next) => async (args) => {
      attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchCountAttempts' },
  );

  const counting = async <T>(work: () => Promise<T>) => {
    calls = [];
    attempts = 0;
    const value = await work();
    const seen = { value, calls, attempts };
    calls = [];
    attempts = 0;
    return seen;
  };

  // lib-dynamodb's DocumentClient takes the base client's middlewareStack object; check that
  // a DocumentClient command really passes through the counter.
  const probe = await counting(() => documents.send(new GetCommand({ TableName: tableName(), Key: { pk: 'BENCH#probe', sk: 'BENCH' } })));
  const shared = documents.middlewareStack === dynamodb.middlewareStack;
  if (probe.calls.length !== 1 || probe.calls[0]?.command !== 'GetItem') {
    throw new Error(`the counter did not see the DocumentClient's GetItem: ${JSON.stringify(probe.calls)}`);
  }
  const documentClientCheck = `DocumentClient shares the client's middleware stack (same object: ${shared}); a probe GetCommand through it was counted once as GetItem`;

  const invoke = async (input: InvokeInput): Promise<Invocation> => {
    await handlerOf(routeNamed(input.route).entry);
    const started = performance.now();
    const seen = await counting(() => invokeRoute(input));
    return { ...seen.value, calls: seen.calls, attempts: seen.attempts, ms: performance.now() - started };
  };

  const job = async (name: keyof typeof JOBS) => {
    await handlerOf(JOBS[name].entry);
    const started = performance.now();
    const seen = await counting(() => invokeJob(name));
    return { ...seen, ms: performance.now() - started };
  };

  return { invoke, invokeJob: job, run: invokeRoute, counting, documentClientCheck };
}

/**
 * Runs the mailer's deliverOutbox in this process on a copy of request `requestId`'s outbox
 * entry (a request mail to each recipient), with the DynamoDB calls it makes counted and its wall
 * time. The copy is written with a lease the stack's own mailer cannot take, and claimed here
 * with a clock just past that lease.
 */
export async function deliverOutboxCopy(harness: Harness, requestId: string) {
  const { loadRequest } = await import('../functions/store/approval-repository.js');
  const { outboxWrite } = await import('../functions/store/outbox-repository.js');
  const { transact } = await import('../functions/store/transaction.js');
  const { deliverOutbox } = await import('../functions/services/mailer.js');
  const request = await loadRequest(requestId);
  if (!request) throw new Error(`request ${requestId} not found`);
  const write = outboxWrite(
    request,
    request.recipients.map((r) => ({ kind: 'request' as const, approverId: r.approverId })),
  );
  const item = write.item.Put?.Item as Record<string, unknown>;
  const leaseUntil = new Date(Date.now() + 60_000);
  item.leaseUntil = leaseUntil.toISOString();
  await transact([write]);
  const started = performance.now();
  const seen = await harness.counting(() => deliverOutbox(item.id as string, new Date(leaseUntil.getTime() + 1)));
  return { ...seen, ms: performance.now() - started };
}

/**
 * Measurement 3: DynamoDB round trips per route, counted in this process (see in-process.ts),
 * against the minimum the design needs. Each route runs once on a quiet request (its mails
 * delivered first, so the mailer's writes cannot collide); then one sweeper run at 1 and at 200
 * open requests not yet due (sweep-trips.ts); then, as a diagnostic, 50 decisions run
 * concurrently in-process to show what contention costs.
 */
import type { ApiClient } from '../tools/api-client.js';
import { claimsOf } from '../tools/claims.js';
import { ticketBody, unique } from '../tools/request-body.js';
import { type BenchApprover, benchTicket, openBenchRequest, requestMails } from './api.js';
import type { DynamoCall, Harness, InvokeInput } from './in-process.js';
import { atMost, type Row, type Section, table } from './report.js';
import { measureSweepTrips, SWEEP_MINIMUM } from './sweep-trips.js';

interface Step {
  name: string;
  input: InvokeInput;
  expect: number;
  /** The calls the design needs. */
  minimum: string[];
  /** Mails of the request that must have gone out (and been recorded) before the next step. */
  mailsAfter?: number;
}

const tally = (calls: string[]) => {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts;
};
const describe = (calls: string[]) => [...tally(calls)].map(([command, n]) => (n > 1 ? `${n}× ${command}` : command)).join(' + ') || 'none';

/** What the counted calls have beyond the minimum (a multiset difference). */
function extra(counted: string[], minimum: string[]): string[] {
  const left = tally(minimum);
  return counted.filter((c) => {
    const n = left.get(c) ?? 0;
    if (n > 0) left.set(c, n - 1);
    return n === 0;
  });
}

export async function measureRoundTrips(
  api: ApiClient,
  harness: Harness,
  technicianToken: string,
  approvers: BenchApprover[],
): Promise<{ rows: Row[]; sections: Section[] }> {
  const [a1, a2, a3] = approvers as [BenchApprover, BenchApprover, BenchApprover];
  const technician = claimsOf(technicianToken);
  const ticketId = unique('rt');
  let requestId = '';
  /** The technician's call of `route` on the step's ticket. */
  const onTicket = (route: string, more: Partial<InvokeInput> = {}): InvokeInput => ({
    route,
    claims: technician,
    pathParameters: { ticketId },
    ...more,
  });
  const steps: ((requestId: string) => Step)[] = [
    () => ({
      name: 'create request (2 recipients)',
      input: onTicket('create-approval', { body: ticketBody([a1.approverId, a2.approverId], benchTicket(ticketId)) }),
      expect: 201,
      // BatchGetItem: the recipients' directory entries and their delegations (who is away), together.
      // No read of the ticket: the transaction's condition refuses a second open request, and the
      // events' sequence is given at dispatch.
      minimum: ['BatchGetItem', 'TransactWriteItems'],
      mailsAfter: 2,
    }),
    () => ({
      name: 'Approvals tab',
      input: onTicket('get-approval'),
      expect: 200,
      // The ticket names its newest request, so the Query reads that request and nothing older.
      minimum: ['GetItem', 'Query'],
    }),
    () => ({
      name: 'ticket column (2 tickets)',
      input: { route: 'list-tickets', claims: technician, query: { ids: `${ticketId},rt-none` } },
      expect: 200,
      minimum: ['BatchGetItem'],
    }),
    () => ({
      name: 'activity',
      input: onTicket('get-activity'),
      expect: 200,
      minimum: ['Query'],
    }),
    (id) => ({
      name: 'portal: get request',
      input: { route: 'get-my-approval', claims: claimsOf(a1.token), pathParameters: { requestId: id } },
      expect: 200,
      minimum: ['GetItem', 'Query'],
    }),
    () => ({
      name: 'portal: my approvals',
      input: { route: 'list-my-approvals', claims: claimsOf(a1.token) },
      expect: 200,
      // Those waiting on the approver, then (the page not full) the others: two partitions of gsi1.
      minimum: ['GetItem', 'Query', 'Query', 'BatchGetItem'],
    }),
    (id) => ({
      name: 'portal: decision',
      input: { route: 'respond', claims: claimsOf(a1.token), pathParameters: { requestId: id }, body: { decision: 'approve' } },
      expect: 200,
      // The Query reads the request, its recipients and its conversation (for the reply) at once;
      // the caller's place is found by the token, and the transaction checks the login (listed,
      // that approver) instead of a read first. No read of the ticket: the events' sequence is
      // given at dispatch.
      minimum: ['Query', 'TransactWriteItems'],
    }),
    () => ({
      name: 'edit recipients (1 newcomer)',
      input: onTicket('put-recipients', { body: { recipients: [a1.approverId, a2.approverId, a3.approverId] } }),
      expect: 200,
      minimum: ['GetItem', 'Query', 'BatchGetItem', 'TransactWriteItems'],
      mailsAfter: 3,
    }),
    () => ({
      name: 'edit recipients (no newcomer)',
      input: onTicket('put-recipients', { body: { recipients: [a1.approverId, a2.approverId] } }),
      expect: 200,
      minimum: ['GetItem', 'Query', 'TransactWriteItems'],
    }),
    () => ({
      name: 'reminder',
      input: onTicket('send-reminder', { pathParameters: { ticketId, approverId: a2.approverId } }),
      expect: 202,
      // BatchGetItem: the ticket (its newest request) and the recipient's directory entry (still listed?), together.
      minimum: ['BatchGetItem', 'Query', 'TransactWriteItems'],
      mailsAfter: 4,
    }),
    () => ({
      name: 'set a deadline',
      input: {
        route: 'put-deadline',
        claims: technician,
        pathParameters: { ticketId },
        body: { at: new Date(Date.now() + 3600_000).toISOString(), outcome: 'decline' },
      },
      expect: 200,
      // Like cancel: the ticket names its open request (GetItem), the Query reads it, one transaction.
      // (Was Query + TransactWriteItems: the request is found through the ticket, as on every tab change.)
      minimum: ['GetItem', 'Query', 'TransactWriteItems'],
    }),
    () => ({
      name: 'cancel',
      input: onTicket('cancel-approval'),
      expect: 204,
      minimum: ['GetItem', 'Query', 'TransactWriteItems'],
    }),
    () => {
      const bigTicket = unique('rt');
      const ids = approvers.map((a) => a.approverId);
      return {
        name: `create request (${ids.length} recipients)`,
        input: onTicket('create-approval', { pathParameters: { ticketId: bigTicket }, body: ticketBody(ids, benchTicket(bigTicket)) }),
        expect: 201,
        // As with 2 recipients: the directory's BatchGetItem, then one transaction.
        minimum: ['BatchGetItem', 'TransactWriteItems'],
      };
    },
  ];

  const rows: Row[] = [];
  const detail: string[][] = [];
  for (const make of steps) {
    const step = make(requestId);
    const result = await harness.invoke(step.input);
    if (step.input.route === 'create-approval' && !requestId) requestId = String(result.body?.id ?? '');
    const counted = result.calls.map((c) => c.command);
    const failed = result.calls.filter((c) => c.error).map((c) => `${c.command}: ${c.error}`);
    const more = extra(counted, step.minimum);
    const statusNote = result.status === step.expect ? '' : `answered ${result.status}, expected ${step.expect}; `;
    rows.push({
      measurement: `3. round trips: ${step.name}`,
      figure: String(counted.length),
      floor: String(step.minimum.length),
      ratio: counted.length / step.minimum.length,
      goal: atMost(1),
      note: `${statusNote}${describe(counted)}${more.length ? ` (beyond the design: ${describe(more)})` : ''}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
    });
    const timedCalls = result.calls.map((c) => `${c.command} ${c.ms.toFixed(1)}`).join(' + ');
    detail.push([
      step.name,
      step.input.route,
      String(result.status),
      describe(counted),
      describe(step.minimum),
      String(result.attempts),
      timedCalls,
      result.ms.toFixed(1),
    ]);
    if (step.mailsAfter && requestId) {
      await requestMails(api, requestId, step.mailsAfter);
      await api.waitForIdle(); // the mailer records each mail right after SES took it
    }
  }

  // The scheduled sweep: one Query per due shard, as many at 200 open requests as at 1.
  const sweeps = await measureSweepTrips(api, harness, technician, approvers);
  const oneRequest = sweeps[0]?.calls.length ?? 0;
  for (const run of sweeps) {
    const counted = run.calls.map((c) => c.command);
    const failed = run.calls.filter((c) => c.error).map((c) => `${c.command}: ${c.error}`);
    const more = extra(counted, SWEEP_MINIMUM);
    const scale = run.requests > 1 && oneRequest ? `; ${(counted.length / oneRequest).toFixed(2)}× the 1-request run` : '';
    rows.push({
      measurement: `3. round trips: ${run.name}`,
      figure: String(counted.length),
      floor: String(SWEEP_MINIMUM.length),
      ratio: counted.length / SWEEP_MINIMUM.length,
      goal: atMost(1),
      note:
        `${describe(counted)} (design: 1 Query per due shard, ${SWEEP_MINIMUM.length} shards)${more.length ? ` (beyond the design: ${describe(more)})` : ''}; due index held ${run.onIndex}, ` +
        `swept ${JSON.stringify(run.outcome)}${scale}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
    });
    detail.push([
      run.name,
      'sweeper (job)',
      '—',
      describe(counted),
      describe(SWEEP_MINIMUM),
      String(run.attempts),
      run.calls.map((c) => `${c.command} ${c.ms.toFixed(1)}`).join(' + '),
      run.ms.toFixed(1),
    ]);
  }

  const contention = await contendedDecisions(api, harness, technicianToken, approvers);
  rows.push(contention.row);
  return {
    rows,
    sections: [
      {
        title: 'Round trips: per route',
        body: [
          `Counted by a middleware on the DynamoDB client of functions/store/client.ts, with the handlers invoked in the benchmark process ` +
            `(payload 2.0 events carrying the real tokens' claims as the gateway hands them over). ${harness.documentClientCheck}. ` +
            '`attempts` counts HTTP requests, including SDK retries.',
          '',
          table(['step', 'route', 'status', 'counted', 'design minimum', 'attempts', 'each call (ms)', 'handler (ms)'], detail, [
            'l',
            'l',
            'l',
            'l',
            'l',
            'r',
            'l',
            'r',
          ]),
        ].join('\n'),
      },
      contention.section,
    ],
  };
}

/** Issue 12: "50 concurrent decisions on one request: ≤ 4 DynamoDB calls per decision on average". */
const ISSUE_12_CALLS_PER_DECISION = 4;

/** Every approver of a 50-recipient request decides at once, in this process: the calls it takes. */
async function contendedDecisions(
  api: ApiClient,
  harness: Harness,
  technicianToken: string,
  approvers: BenchApprover[],
): Promise<{ row: Row; section: Section }> {
  const { requestId } = await openBenchRequest(api, technicianToken, approvers, 'contend');
  await requestMails(api, requestId, approvers.length);
  await api.waitForIdle();
  const started = performance.now();
  const seen = await harness.counting(() =>
    Promise.all(
      approvers.map((a) =>
        harness.run({ route: 'respond', claims: claimsOf(a.token), pathParameters: { requestId }, body: { decision: 'approve' } }),
      ),
    ),
  );
  const ms = performance.now() - started;
  const statuses = tally(seen.value.map((r) => String(r.status)));
  const byOutcome = (calls: DynamoCall[]) => describe(calls.map((c) => (c.error ? `${c.command} (${c.error})` : c.command)));
  const meanMs = (command: string) => {
    const of = seen.calls.filter((c) => c.command === command);
    return of.length ? `${command} ${(of.reduce((sum, c) => sum + c.ms, 0) / of.length).toFixed(1)} ms` : '';
  };
  const n = approvers.length;
  const perDecision = seen.calls.length / n;
  // Issue 12's bound: at most 4 DynamoDB calls per decision on average, with all 50 at once.
  const row: Row = {
    measurement: `2. DynamoDB calls per decision, ${n} at once on one request`,
    figure: `${perDecision.toFixed(1)} calls`,
    floor: `${ISSUE_12_CALLS_PER_DECISION} calls`,
    ratio: perDecision / ISSUE_12_CALLS_PER_DECISION,
    goal: atMost(1),
    note: `floor: issue 12's bound (4; one decision alone makes 2: Query + TransactWriteItems); ${seen.calls.length} calls, of them ${seen.calls.filter((c) => c.error).length} failed transactions; see "Round trips: 50 concurrent decisions"`,
  };
  const section: Section = {
    title: 'Round trips: 50 concurrent decisions (diagnostic)',
    body: [
      `All ${n} approvers of one request decide at once, handlers invoked in the benchmark process (no gateway): ` +
        `${ms.toFixed(0)} ms wall, ${((statuses.get('200') ?? 0) / (ms / 1000)).toFixed(1)} decisions/s; replies ${describe(seen.value.map((r) => String(r.status)))}.`,
      '',
      `DynamoDB calls: ${seen.calls.length} for ${n} decisions (${perDecision.toFixed(1)} per decision; one decision alone makes 2), ` +
        `${seen.attempts} HTTP attempts: ${byOutcome(seen.calls)}. Mean call time under this load: ` +
        `${['GetItem', 'Query', 'TransactWriteItems'].map(meanMs).filter(Boolean).join(', ')}.`,
    ].join('\n'),
  };
  return { row, section };
}

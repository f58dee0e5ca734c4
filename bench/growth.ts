/**
 * Measurement 6: growth curves. Each read is measured at a small and a large size of the history
 * behind it, in one run with the two sizes read in turn, through the real handlers in this
 * process (DynamoDB calls and the capacity DynamoDB reports counted by the harness), and
 * reported as large ÷ small: a read that costs what it returns stays near 1×.
 */
import type { ApiClient } from '../tools/api-client.js';
import { claimsOf } from '../tools/claims.js';
import { type BenchApprover, eachLimited } from './api.js';
import { deliverOutboxCopy, type Harness, type Invocation, type InvokeInput } from './in-process.js';
import { atMost, type Row, type Section, table } from './report.js';
import { percentile } from './stats.js';

const SAMPLES = 30;

interface Cost {
  ms: number;
  rcu: number;
  wcu: number;
  calls: number;
  bytes: number;
}

/**
 * The two sizes read turn about (after 3 warm-ups each), SAMPLES calls each: a drift in the
 * machine's load falls on both alike. Each cost is the median latency and the capacity of one call.
 */
async function costsOf(harness: Harness, small: InvokeInput, large: InvokeInput): Promise<[Cost, Cost]> {
  for (let i = 0; i < 3; i++) {
    await harness.run(small);
    await harness.run(large);
  }
  const seen: [Invocation[], Invocation[]] = [[], []];
  for (let i = 0; i < SAMPLES; i++) {
    for (const [side, input] of [small, large].entries()) {
      const call = await harness.invoke(input);
      if (call.status !== 200) throw new Error(`${input.route}: ${call.status} ${JSON.stringify(call.body).slice(0, 300)}`);
      seen[side]!.push(call);
    }
  }
  return [costOf(seen[0]), costOf(seen[1])];
}

function costOf(seen: Invocation[]): Cost {
  const last = seen.at(-1)!;
  return {
    ms: percentile(
      seen.map((c) => c.ms),
      50,
    ),
    rcu: last.calls.reduce((n, c) => n + c.rcu, 0),
    wcu: last.calls.reduce((n, c) => n + c.wcu, 0),
    calls: last.calls.length,
    bytes: Buffer.byteLength(JSON.stringify(last.body)),
  };
}

function ticketBody(recipients: string[], number: string, conversationBytes: number) {
  const entries = Math.max(1, Math.ceil(conversationBytes / 19_000));
  const body = 'x'.repeat(Math.floor(conversationBytes / entries));
  return {
    recipients,
    message: 'Please approve.',
    ticket: {
      number,
      subject: 'Growth',
      requester: { name: 'Rita Requester', email: 'rita@example.com' },
      conversation: Array.from({ length: entries }, (_, i) => ({
        author: 'Rita',
        body,
        at: `2026-11-24T09:${String(i % 60).padStart(2, '0')}:00Z`,
      })),
    },
  };
}

export async function measureGrowth(
  api: ApiClient,
  harness: Harness,
  technicianToken: string,
  approvers: BenchApprover[],
): Promise<{ rows: Row[]; section: Section }> {
  const technician = claimsOf(technicianToken);
  const run = async (input: InvokeInput, expected: number) => {
    const reply = await harness.run(input);
    if (reply.status !== expected) throw new Error(`${input.route}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
    return reply;
  };
  // Both sizes are timed on a quiet stack: the setup's mails, events and receipts are all handled
  // first, so the large size's background work does not land on its own measurement.
  const measure = async (small: InvokeInput, large: InvokeInput) => {
    await api.waitForIdle(600_000);
    return costsOf(harness, small, large);
  };
  const stamp = Date.now().toString(36);
  const detail: string[][] = [];
  const rows: Row[] = [];
  const compare = (name: string, small: Cost, large: Cost, sizes: [string, string], goal: number, note: string) => {
    detail.push(
      ...[
        [sizes[0], small],
        [sizes[1], large],
      ].map(([size, c]) => {
        const cost = c as Cost;
        return [
          name,
          size as string,
          `${cost.ms.toFixed(1)} ms`,
          cost.rcu.toFixed(1),
          String(cost.calls),
          `${(cost.bytes / 1024).toFixed(1)} KiB`,
        ];
      }),
    );
    rows.push({
      measurement: `6. ${name}: latency, ${sizes[1]} ÷ ${sizes[0]}`,
      figure: `${large.ms.toFixed(1)} ms`,
      floor: `${small.ms.toFixed(1)} ms`,
      ratio: large.ms / small.ms,
      goal: atMost(goal),
      note,
    });
    rows.push({
      measurement: `6. ${name}: read capacity, ${sizes[1]} ÷ ${sizes[0]}`,
      figure: `${large.rcu.toFixed(1)} RCU`,
      floor: `${small.rcu.toFixed(1)} RCU`,
      ratio: large.rcu / small.rcu,
      goal: atMost(goal),
      note,
    });
  };
  const ids = (n: number) => approvers.slice(0, n).map((a) => a.approverId);

  // The Approvals tab: a ticket with 1 round against one with 100 (99 created and canceled first).
  const tab = async (rounds: number) => {
    const ticketId = `growth-tab-${rounds}-${stamp}`;
    for (let i = 0; i < rounds; i++) {
      await run(
        { route: 'create-approval', claims: technician, pathParameters: { ticketId }, body: ticketBody(ids(3), ticketId, 1024) },
        201,
      );
      if (i < rounds - 1) await run({ route: 'cancel-approval', claims: technician, pathParameters: { ticketId } }, 204);
    }
    return { route: 'get-approval', claims: technician, pathParameters: { ticketId } } satisfies InvokeInput;
  };
  const [tab1, tab100] = await measure(await tab(1), await tab(100));
  compare('Approvals tab', tab1, tab100, ['1 round', '100 rounds'], 1.3, '3 recipients; GET /tickets/{id}/approval');

  // The status column: 100 tickets with 1 KB conversations against 100 with 250 KB.
  const column = async (bytes: number) => {
    const tickets = Array.from({ length: 100 }, (_, i) => `growth-col-${bytes}-${i}-${stamp}`);
    await eachLimited(tickets, 4, async (ticketId) => {
      await run(
        { route: 'create-approval', claims: technician, pathParameters: { ticketId }, body: ticketBody(ids(1), ticketId, bytes) },
        201,
      );
    });
    return { route: 'list-tickets', claims: technician, query: { ids: tickets.join(',') } } satisfies InvokeInput;
  };
  const [columnSmall, columnLarge] = await measure(await column(1024), await column(250 * 1024));
  compare('Status column, 100 tickets', columnSmall, columnLarge, ['1 KB conversations', '250 KB'], 1.5, 'GET /tickets?ids=… (100 ids)');

  // The portal list: the first page of 10 for an approver with 10 requests and one with 1,000.
  const portal = async (approver: BenchApprover, count: number) => {
    const tickets = Array.from({ length: count }, (_, i) => `growth-portal-${count}-${i}-${stamp}`);
    await eachLimited(tickets, 8, async (ticketId) => {
      await run(
        {
          route: 'create-approval',
          claims: technician,
          pathParameters: { ticketId },
          body: ticketBody([approver.approverId], ticketId, 1024),
        },
        201,
      );
    });
    return { route: 'list-my-approvals', claims: claimsOf(approver.token), query: { limit: '10' } } satisfies InvokeInput;
  };
  const [portal10, portal1000] = await measure(
    await portal(approvers[approvers.length - 1]!, 10),
    await portal(approvers[approvers.length - 2]!, 1000),
  );
  compare('Portal list, a page of 10', portal10, portal1000, ['10 requests', '1,000 requests'], 1.5, 'GET /portal/approvals?limit=10');

  // The mail pipeline: write capacity per mail for requests of 1, 10 and 50 recipients, each
  // delivered in this process from a copy of its outbox entry (leased, so the stack's mailer keeps off).
  const perMail: { n: number; wcu: number; writes: number }[] = [];
  for (const n of [1, 10, 50]) {
    const ticketId = `growth-mail-${n}-${stamp}`;
    const created = await run(
      { route: 'create-approval', claims: technician, pathParameters: { ticketId }, body: ticketBody(ids(n), ticketId, 1024) },
      201,
    );
    const seen = await deliverOutboxCopy(harness, String(created.body?.id));
    const writes = seen.calls.filter((c) => c.wcu > 0);
    perMail.push({ n, wcu: writes.reduce((t, c) => t + c.wcu, 0) / n, writes: writes.length / n });
  }
  // 10 against 50: a single mail carries the entry's fixed cost (claim, complete), so 1 is no floor.
  const ten = perMail[1]!;
  const fifty = perMail[2]!;
  rows.push({
    measurement: '6. Mail: write capacity per mail, 50 recipients ÷ 10',
    figure: `${fifty.wcu.toFixed(1)} WCU`,
    floor: `${ten.wcu.toFixed(1)} WCU`,
    ratio: fifty.wcu / ten.wcu,
    goal: atMost(1.5),
    note: `per mail at 1 / 10 / 50 recipients: ${perMail.map((p) => `${p.wcu.toFixed(1)} WCU in ${p.writes.toFixed(2)} writes`).join(' / ')}`,
  });

  return {
    rows,
    section: {
      title: 'Growth curves (measurement 6)',
      body: [
        `Each read through its handler in this process, on a quiet stack, the two sizes in turn, median of ${SAMPLES} calls each; capacity as DynamoDB Local reports it (ReturnConsumedCapacity TOTAL) for one call.`,
        '',
        table(['read', 'size', 'p50', 'RCU', 'DynamoDB calls', 'reply'], detail, ['l', 'l', 'r', 'r', 'r', 'r']),
      ].join('\n'),
    },
  };
}

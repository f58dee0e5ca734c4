/**
 * Diagnostic for measurement 5: runs the mailer's deliverOutbox in this process on a copy of a
 * 50-mail outbox entry, with every DynamoDB and SES call timed. The copy is written with a lease
 * the stack's own mailer cannot take, and claimed here with a clock just past that lease.
 */
import type { ApiClient } from '../tools/api-client.js';
import { type BenchApprover, openBenchRequest, requestMails } from './api.js';
import type { Harness } from './in-process.js';
import { type Section, table } from './report.js';

export async function profileMailer(api: ApiClient, harness: Harness, technician: string, approvers: BenchApprover[]): Promise<Section> {
  const { requestId } = await openBenchRequest(api, technician, approvers, 'profile');
  await requestMails(api, requestId, approvers.length);
  await api.waitForIdle();
  const { loadRequest } = await import('../functions/store/approval-repository.js');
  const { outboxWrite } = await import('../functions/store/outbox-repository.js');
  const { transact } = await import('../functions/store/transaction.js');
  const { deliverOutbox } = await import('../functions/services/mailer.js');
  const { ses } = await import('../functions/mail/ses.js');
  const sends: number[] = [];
  ses.middlewareStack.add(
    (next) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        sends.push(performance.now() - started);
      }
    },
    { step: 'initialize', name: 'benchTimeSends' },
  );

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
  const wall = performance.now() - started;

  const groups = new Map<string, number[]>();
  for (const c of seen.calls) {
    const name = c.error ? `${c.command} (${c.error})` : c.command;
    groups.set(name, [...(groups.get(name) ?? []), c.ms]);
  }
  groups.set('SES SendEmail', sends);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    title: 'Request mail: the mailer in-process (diagnostic)',
    body: [
      `deliverOutbox on a copy of a ${approvers.length}-mail outbox entry, run in the benchmark process: ${seen.value} in ${wall.toFixed(0)} ms ` +
        `(the same run's floor sends all mails sequentially in the time shown above). Calls and their mean time under the mailer's own concurrency:`,
      '',
      table(
        ['call', 'count', 'mean', 'max', 'sum'],
        [...groups].map(([name, v]) => [
          name,
          String(v.length),
          `${mean(v).toFixed(1)} ms`,
          `${Math.max(...v).toFixed(1)} ms`,
          `${(mean(v) * v.length).toFixed(0)} ms`,
        ]),
        ['l', 'r', 'r', 'r', 'r'],
      ),
    ].join('\n'),
  };
}

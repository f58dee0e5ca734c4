/**
 * Diagnostic for measurement 5: runs the mailer's deliverOutbox in this process on a copy of a
 * 50-mail outbox entry, with every DynamoDB and SES call timed. The copy is written with a lease
 * the stack's own mailer cannot take, and claimed here with a clock just past that lease.
 */
import type { ApiClient } from '../tools/api-client.js';
import { type BenchApprover, openBenchRequest, requestMails } from './api.js';
import { deliverOutboxCopy, type Harness } from './in-process.js';
import { type Section, table } from './report.js';

export async function profileMailer(api: ApiClient, harness: Harness, technician: string, approvers: BenchApprover[]): Promise<Section> {
  const { requestId } = await openBenchRequest(api, technician, approvers, 'profile');
  await requestMails(api, requestId, approvers.length);
  await api.waitForIdle();
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

  const seen = await deliverOutboxCopy(harness, requestId);
  const wall = seen.ms;

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

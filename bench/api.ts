/** The benchmark's approvers and requests, made through the tools' one API client. */
import type { ApiClient } from '../tools/api-client.js';
import { mailAbout, type StoredMail } from '../tools/mailbox.js';
import { unique } from '../tools/request-body.js';

export interface BenchApprover {
  approverId: string;
  email: string;
  /** Signed in once, up front. */
  token: string;
}

/** `count` approvers, a few at a time, each signed in. */
export async function newApprovers(api: ApiClient, technician: string, count: number, concurrency = 5): Promise<BenchApprover[]> {
  const made: BenchApprover[] = [];
  await eachLimited(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      const approver = await api.newApprover(technician, 'user', { prefix: 'bench' });
      made.push({ approverId: approver.approverId, email: approver.email, token: await approver.token() });
    },
  );
  return made;
}

/** What the benchmark's requests carry beyond the defaults: policy `all`, and the ticket number is the ticket id. */
export const benchTicket = (ticketId: string) => ({ policy: { type: 'all' }, ticket: { number: ticketId } });

/** Opens a request on a fresh ticket for these approvers; returns the ticket id and the public request id. */
export async function openBenchRequest(api: ApiClient, technician: string, approvers: BenchApprover[], prefix: string) {
  const ticketId = unique(prefix);
  const { requestId } = await api.openRequest(
    technician,
    approvers.map((a) => a.approverId),
    benchTicket(ticketId),
    ticketId,
  );
  return { ticketId, requestId };
}

/** The request's `count` mails, once all are stored; throws if they do not come. */
export async function requestMails(api: ApiClient, requestId: string, count: number): Promise<StoredMail[]> {
  const mails = await api.waitForMails(mailAbout(requestId), count, { timeoutMs: 30_000, intervalMs: 50 });
  if (mails.length < count) throw new Error(`only ${mails.length} of ${count} mails of ${requestId} arrived`);
  return mails;
}

export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

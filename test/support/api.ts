import { inject } from 'vitest';
import { createApiClient, type Reply, type TestApprover } from '../../tools/api-client.js';
import { mailTo } from '../../tools/mailbox.js';

export type { RawReply, Reply, TestApprover } from '../../tools/api-client.js';
export { ticketBody, unique } from '../../tools/request-body.js';

/** The run's shared local stack (test/support/global-setup.ts), and the tools' client bound to it. */
export const local = () => inject('local');
export const stack = createApiClient(local());
export const { call, signIn, technicianToken, newApprover, waitForIdle } = stack;

/** The demo technician's token and a fresh approver they listed: how most test files start. */
export async function technicianAndApprover(): Promise<{ technician: string; approver: TestApprover }> {
  const technician = await technicianToken();
  return { technician, approver: await newApprover(technician) };
}

/** The mails `email` has once the stack is idle: every mail already caused has been sent. */
export async function mailsOnceIdle(email: string) {
  await waitForIdle();
  return stack.mails(mailTo(email));
}

/** Waits until `count` mails reached `email` (the mailer runs off the table's stream). */
export const waitForMails = (email: string, count: number) => stack.waitForMails(mailTo(email), count);

/** Every approver of the directory, page after page (other test files add many to the shared stack). */
export async function allApprovers(token: string): Promise<{ approverId: string; kind: string }[]> {
  const approvers: { approverId: string; kind: string }[] = [];
  let next: string | null = null;
  do {
    const page: Reply<{ approvers: { approverId: string; kind: string }[]; next: string | null }> = await call(
      'GET',
      `/directory/approvers${next ? `?next=${encodeURIComponent(next)}` : ''}`,
      { token },
    );
    if (page.status !== 200) throw new Error(`GET directory: ${page.status} ${JSON.stringify(page.body)}`);
    approvers.push(...page.body.approvers);
    next = page.body.next;
  } while (next);
  return approvers;
}

/** Every entry of a ticket's activity log, following the `next` cursor page by page. */
export async function allActivity<T = { type: string }>(ticketId: string, token: string): Promise<T[]> {
  const entries: T[] = [];
  let next: string | null = null;
  do {
    const page: Reply<{ activity: T[]; next: string | null }> = await call(
      'GET',
      `/tickets/${ticketId}/activity${next ? `?next=${next}` : ''}`,
      {
        token,
      },
    );
    if (page.status !== 200) throw new Error(`GET activity: ${page.status} ${JSON.stringify(page.body)}`);
    entries.push(...page.body.activity);
    next = page.body.next;
  } while (next);
  return entries;
}

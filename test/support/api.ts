import { inject } from 'vitest';
import { createApiClient } from '../../tools/api-client.js';

export type { RawReply, Reply, TestApprover } from '../../tools/api-client.js';
export { mailTo } from '../../tools/mailbox.js';
export { ticketBody, unique } from '../../tools/request-body.js';

/** The run's shared local stack (test/support/global-setup.ts), and the tools' client bound to it. */
export const local = () => inject('local');
export const stack = createApiClient(local());
export const { call, signIn, technicianToken, newApprover, waitForIdle } = stack;

/** Mails `email` has received so far. */
export const mailsTo = (email: string) => stack.mails((m) => m.destination.to.includes(email));

/** Waits until `count` mails reached `email` (the mailer runs off the table's stream). */
export const waitForMails = (email: string, count: number) => stack.waitForMails((m) => m.destination.to.includes(email), count);

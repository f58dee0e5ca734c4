import { test as base } from 'vitest';
import type { TestApprover } from '../../../tools/api-client.js';
import { local, stack } from '../../support/api.js';
import { type BrowserSession, openBrowser as launch, type OpenOptions } from './browser.js';
import { Helpdesk } from './helpdesk.js';

/** The run's local stack, and its demo approvers by id. */
export const info = local();
export const demoApprover = (approverId: string) => {
  const found = info.demo.approvers.find((a) => a.approverId === approverId);
  if (!found) throw new Error(`no demo approver ${approverId}`);
  return found;
};
/** Demo approvers (local/seed.ts): the users Alice and Bob, the contacts Carol and Dan. */
export const alice = demoApprover('u-alice');
export const bob = demoApprover('u-bob');
export const carol = demoApprover('c-carol');
export const dan = demoApprover('c-dan');

interface E2eFixtures {
  /** Opens a fresh headless Chromium with options of the test's choosing; closed after the test. */
  openBrowser: (options?: OpenOptions) => Promise<BrowserSession>;
  /** A fresh headless Chromium (desktop, Berlin time), closed after the test. */
  browser: BrowserSession;
  /** The demo technician, signed in through the helpdesk's app client. */
  helpdesk: Helpdesk;
  /**
   * Lists a fresh approver (with a known password) for a test that changes what the demo
   * approvers would carry into other tests, such as a delegation.
   */
  freshApprover: (kind?: 'user' | 'contact', name?: string) => Promise<TestApprover>;
}

/** `test` for the e2e files: each browser a test opens is closed after it, pass or fail. */
export const test = base.extend<E2eFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest wants the fixtures argument destructured
  openBrowser: async ({}, use) => {
    const opened: BrowserSession[] = [];
    await use(async (options) => {
      const session = await launch(options);
      opened.push(session);
      return session;
    });
    for (const session of opened) await session.close();
  },
  browser: async ({ openBrowser }, use) => use(await openBrowser()),
  // biome-ignore lint/correctness/noEmptyPattern: as above
  helpdesk: async ({}, use) => use(await Helpdesk.signIn(stack)),
  // biome-ignore lint/correctness/noEmptyPattern: as above
  freshApprover: async ({}, use) => {
    const technician = await stack.technicianToken();
    await use((kind = 'user', name) => stack.newApprover(technician, kind, name ? { name } : {}));
  },
});

/**
 * `npm run bench`: starts its own local stack, measures, prints one markdown table of ratios
 * (each figure against a floor measured in the same run) and writes it to docs/benchmark.md.
 * Over-goal figures are reported, not failed: this is a report, not a test.
 */
import { resolve } from 'node:path';
import { createApiClient } from '../tools/api-client.js';
import { newApprovers } from './api.js';
import { measureHandlerBundles } from './bundles.js';
import { measureDecisions } from './decisions.js';
import { measureEventLatency } from './events.js';
import { measureGrowth } from './growth.js';
import { createHarness } from './in-process.js';
import { measureKeepUp } from './keep-up.js';
import { measureTabLatency } from './latency.js';
import { measureRequestMail } from './mail.js';
import { profileMailer } from './mail-profile.js';
import { machine, type Row, renderReport, type Section, writeReport } from './report.js';
import { measureRoundTrips } from './round-trips.js';
import { startBenchStack } from './stack.js';

const APPROVERS = 50;
const say = (message: string) => console.error(`[bench] ${message} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
const began = performance.now();
const date = new Date();
const host = machine();

// Bundles first: their import timings want a quiet machine, before the stack runs.
say('4. bundles and cold imports');
const bundles = await measureHandlerBundles();

say('starting the local stack');
const stack = await startBenchStack();
const rows: Row[] = [];
const sections: Section[] = [];
try {
  // The benchmark times calls; the tests check every reply against the contract.
  const api = createApiClient(stack.info, { checkContract: false });
  const technician = await api.technicianToken();
  say(`listing ${APPROVERS} approvers`);
  const approvers = await newApprovers(api, technician, APPROVERS);

  say('5. request mail');
  const mail = await measureRequestMail(api, technician, approvers);
  say('6. event latency');
  rows.push(...(await measureEventLatency(api, technician, approvers[0]!)));
  say('1. Approvals tab latency');
  rows.push(...(await measureTabLatency(api, technician, mail.lastTicketId, APPROVERS)));
  say('2. concurrent decisions');
  const decisions = await measureDecisions(api, technician, approvers);
  rows.push(...decisions.rows);
  say('7. keep-up: 20 technicians for 60 s');
  const keepUp = await measureKeepUp(api, technician, approvers);
  rows.push(...keepUp.rows);
  sections.push(keepUp.section);
  say('3. round trips');
  const harness = await createHarness(stack);
  const trips = await measureRoundTrips(api, harness, technician, approvers);
  say('5. (diagnostic) the mailer in-process');
  const mailer = await profileMailer(api, harness, technician, approvers);
  say('6. growth curves');
  const growth = await measureGrowth(api, harness, technician, approvers);
  rows.push(...trips.rows, ...bundles.rows, ...mail.rows, ...growth.rows);
  sections.push(...trips.sections, decisions.section, bundles.section, mail.section, mailer, growth.section);
} catch (error) {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  say('stopping the local stack');
  await stack.stop();
}

if (process.exitCode !== 1) {
  const markdown = renderReport(rows, sections, { date, seconds: (performance.now() - began) / 1000, machine: host });
  console.log(markdown);
  say(`written to ${writeReport(resolve(import.meta.dirname, '..'), markdown)}`);
}
// Keep-alive sockets of the SDK clients must not hold the process open.
process.exit();

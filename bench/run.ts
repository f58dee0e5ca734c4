/**
 * `npm run bench`: starts its own local stack, measures, prints one markdown table of ratios
 * (each figure against a floor measured in the same run) and writes it to docs/benchmark.md.
 * Over-goal figures are reported, not failed: this is a report, not a test.
 * `npm run bench -- --only round-trips[,growth,…]` runs just those measurements (names: MEASUREMENTS)
 * and prints their tables without writing docs/benchmark.md, whose other figures it would drop.
 */
import { resolve } from 'node:path';
import { createApiClient } from '../tools/api-client.js';
import { newApprovers, openBenchRequest } from './api.js';
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
const MEASUREMENTS = ['bundles', 'mail', 'events', 'latency', 'decisions', 'keep-up', 'round-trips', 'mailer', 'growth'] as const;
type Measurement = (typeof MEASUREMENTS)[number];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? null : (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean);
const unknown = only?.filter((name) => !(MEASUREMENTS as readonly string[]).includes(name)) ?? [];
if (only && (only.length === 0 || unknown.length > 0)) {
  console.error(
    `[bench] --only takes a comma-separated list of: ${MEASUREMENTS.join(', ')}${unknown.length ? ` (not: ${unknown.join(', ')})` : ''}`,
  );
  process.exit(2);
}
const wants = (name: Measurement) => !only || only.includes(name);
const say = (message: string) => console.error(`[bench] ${message} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
const began = performance.now();
const date = new Date();
const host = machine();

// Bundles first: their import timings want a quiet machine, before the stack runs.
if (wants('bundles')) say('4. bundles and cold imports');
const bundles = wants('bundles') ? await measureHandlerBundles() : { rows: [], section: null };

say('starting the local stack');
const stack = await startBenchStack();
const rows: Row[] = [];
const sections: Section[] = [];
const later: Row[] = [];
const lateSections: Section[] = [];
try {
  // The benchmark times calls; the tests check every reply against the contract.
  const api = createApiClient(stack.info, { checkContract: false });
  const technician = await api.technicianToken();
  say(`listing ${APPROVERS} approvers`);
  const approvers = await newApprovers(api, technician, APPROVERS);

  let tabTicket = '';
  if (wants('mail')) {
    say('5. request mail');
    const mail = await measureRequestMail(api, technician, approvers);
    later.push(...mail.rows);
    lateSections.push(mail.section);
    tabTicket = mail.lastTicketId;
  }
  if (wants('events')) {
    say('6. event latency');
    rows.push(...(await measureEventLatency(api, technician, approvers[0]!)));
  }
  if (wants('latency')) {
    say('1. Approvals tab latency');
    // The tab of a 50-recipient request: the request mail's last, or one of its own.
    tabTicket ||= (await openBenchRequest(api, technician, approvers, 'tab')).ticketId;
    rows.push(...(await measureTabLatency(api, technician, tabTicket, APPROVERS)));
  }
  let decisions: Section | null = null;
  if (wants('decisions')) {
    say('2. concurrent decisions');
    const measured = await measureDecisions(api, technician, approvers);
    rows.push(...measured.rows);
    decisions = measured.section;
  }
  if (wants('keep-up')) {
    say('7. keep-up: 20 technicians for 60 s');
    const keepUp = await measureKeepUp(api, technician, approvers);
    rows.push(...keepUp.rows);
    sections.push(keepUp.section);
  }
  const harness = await createHarness(stack);
  const growth: { rows: Row[]; section: Section | null } = { rows: [], section: null };
  let mailer: Section | null = null;
  let trips: { rows: Row[]; sections: Section[] } = { rows: [], sections: [] };
  if (wants('round-trips')) {
    say('3. round trips');
    trips = await measureRoundTrips(api, harness, technician, approvers);
  }
  if (wants('mailer')) {
    say('5. (diagnostic) the mailer in-process');
    mailer = await profileMailer(api, harness, technician, approvers);
  }
  if (wants('growth')) {
    say('6. growth curves');
    Object.assign(growth, await measureGrowth(api, harness, technician, approvers));
  }
  rows.push(...trips.rows, ...bundles.rows, ...later, ...growth.rows);
  sections.push(
    ...[...trips.sections, decisions, bundles.section, ...lateSections, mailer, growth.section].filter((s): s is Section => s !== null),
  );
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
  if (only) say(`--only ${only.join(',')}: printed above, docs/benchmark.md left as it is`);
  else say(`written to ${writeReport(resolve(import.meta.dirname, '..'), markdown)}`);
}
// Keep-alive sockets of the SDK clients must not hold the process open.
process.exit();

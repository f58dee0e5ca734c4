/**
 * Measurement 7: keep-up. 20 technicians open requests (each for 6 of the benchmark's approvers)
 * as fast as the stack answers them, for 60 s. Asked: the mails (and webhook events) those
 * requests call for, per second; figure: what the mailer (the SES store) and the dispatcher (a
 * webhook receiver) delivered per second in the same 60 s. The backlog (asked − delivered) is read
 * at 30 s and at 60 s; then everything is drained and checked: every mail and every event exactly
 * once.
 */
import type { ApiClient } from '../tools/api-client.js';
import { clearMailbox, type StoredMail } from '../tools/mailbox.js';
import { type BenchApprover, openBenchRequest } from './api.js';
import { atLeast, type Row, type Section, table } from './report.js';
import { sleep } from './stats.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const TECHNICIANS = 20;
const SECONDS = Number(process.env.BENCH_KEEP_UP_SECONDS ?? 60);
const PER_REQUEST = 6;

const requestIdOf = (text: string) => {
  const match = /requests\/([^?\s"]+)\?action=/.exec(text);
  return match ? decodeURIComponent(match[1] as string) : null;
};

/**
 * The SES store read a slice at a time (`?since=` its clock, in seconds): thousands of stored
 * mails in one reply are tens of MB, which the emulator may drop. Deduplicated by message id.
 */
function storeReader(storeUrl: string) {
  const collected = new Map<string, StoredMail>();
  let since = 0;
  return async (): Promise<StoredMail[]> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${storeUrl}?since=${since}`);
        const { emails } = (await response.json()) as { emails: StoredMail[] };
        for (const mail of emails) {
          collected.set(mail.messageId, mail);
          since = Math.max(since, (mail.at ?? 0) - 2);
        }
        return [...collected.values()];
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(1000 * attempt);
      }
    }
  };
}

export async function measureKeepUp(
  api: ApiClient,
  technician: string,
  approvers: BenchApprover[],
): Promise<{ rows: Row[]; section: Section }> {
  await api.waitForIdle();
  await clearMailbox(api.info);
  const storedMails = storeReader(api.info.ses.storeUrl);
  // The webhook receiver: every delivery by its webhook-id (a second one with the same id would be a double delivery).
  const deliveries = new Map<string, number>();
  let received = 0;
  const receiver = await startWebhookReceiver(api, technician, (headers) => {
    const id = String(headers['webhook-id'] ?? '');
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    received++;
  });

  const created = new Map<string, Set<string>>(); // requestId → the recipients' emails
  let failed = 0;
  let next = 0;
  const started = Date.now();
  const end = started + SECONDS * 1000;
  const backlog: { at: number; mails: number; events: number }[] = [];
  const askedBy = (at: number) => {
    let mails = 0;
    let events = 0;
    for (const [, r] of [...stamps].filter(([t]) => t <= at)) {
      mails += r;
      events += 1;
    }
    return { mails, events };
  };
  const stamps: [number, number][] = [];
  const technicianLoop = async (t: number) => {
    for (let round = 0; Date.now() < end; round++) {
      const chosen = Array.from({ length: PER_REQUEST }, () => approvers[next++ % approvers.length]!);
      try {
        const { requestId } = await openBenchRequest(api, technician, chosen, `keep${t}x${round}`);
        created.set(requestId, new Set(chosen.map((a) => a.email)));
        stamps.push([Date.now(), PER_REQUEST]);
      } catch {
        failed++;
      }
    }
  };
  const probe = async (atSeconds: number) => {
    await sleep(Math.max(0, started + atSeconds * 1000 - Date.now()));
    const at = Date.now();
    const sent = (await storedMails()).length;
    const asked = askedBy(at);
    backlog.push({ at: (at - started) / 1000, mails: asked.mails - sent, events: asked.events - received });
    return { sent, events: received, asked };
  };
  const [, , atEnd] = await Promise.all([
    Promise.all(Array.from({ length: TECHNICIANS }, (_, t) => technicianLoop(t))),
    probe(SECONDS / 2),
    probe(SECONDS),
  ]);
  const window = (Date.now() - started) / 1000;

  // Drain, then check exactly once.
  const drainStarted = Date.now();
  const askedMails = [...created.values()].reduce((n, s) => n + s.size, 0);
  let mails = await storedMails();
  for (const deadline = Date.now() + 600_000; mails.length < askedMails || received < created.size; ) {
    if (Date.now() > deadline) break;
    await sleep(2000);
    mails = await storedMails();
  }
  await api.waitForIdle(600_000);
  mails = await storedMails();
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  const seen = new Map<string, number>();
  for (const mail of mails) {
    const requestId = requestIdOf(mail.body.text ?? mail.body.html ?? '');
    for (const to of mail.destination.to) seen.set(`${requestId} ${to}`, (seen.get(`${requestId} ${to}`) ?? 0) + 1);
  }
  let missing = 0;
  let twice = 0;
  for (const [requestId, emails] of created)
    for (const email of emails) {
      const n = seen.get(`${requestId} ${email}`) ?? 0;
      if (n === 0) missing++;
      if (n > 1) twice += n - 1;
    }
  const strays = mails.length - askedMails + missing - twice;
  const eventTwice = [...deliveries.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const eventMissing = created.size - deliveries.size;
  await receiver.close();

  const askedRate = atEnd.asked.mails / SECONDS;
  const sentRate = atEnd.sent / SECONDS;
  const eventsAsked = atEnd.asked.events / SECONDS;
  const eventsRate = atEnd.events / SECONDS;
  const exactly = `exactly once: ${missing} missing, ${twice} twice${strays ? `, ${strays} other` : ''}`;
  const backlogNote = backlog.map((b) => `${b.at.toFixed(0)} s: ${b.mails}`).join(', ');
  const rows: Row[] = [
    {
      measurement: `7. keep-up, ${TECHNICIANS} technicians × ${SECONDS} s: mails sent ÷ asked`,
      figure: `${sentRate.toFixed(1)} /s`,
      floor: `${askedRate.toFixed(1)} /s`,
      ratio: sentRate / askedRate,
      goal: atLeast(0.9),
      note: `backlog ${backlogNote}; drained in ${drainSeconds.toFixed(0)} s; ${askedMails} mails, ${exactly}; ${failed} failed creates`,
    },
    {
      measurement: `7. keep-up, same load: webhook events delivered ÷ asked`,
      figure: `${eventsRate.toFixed(1)} /s`,
      floor: `${eventsAsked.toFixed(1)} /s`,
      ratio: eventsRate / eventsAsked,
      goal: atLeast(0.9),
      note:
        `approval.requested to one endpoint; backlog ${backlog.map((b) => `${b.at.toFixed(0)} s: ${b.events}`).join(', ')}; ` +
        `${created.size} events, exactly once: ${Math.max(0, eventMissing)} missing, ${eventTwice} twice`,
    },
  ];
  const section: Section = {
    title: 'Keep-up: 20 technicians for 60 s (measurement 7)',
    body: [
      `${TECHNICIANS} loops each open a request for ${PER_REQUEST} approvers on a fresh ticket, one after another, for ${SECONDS} s ` +
        `(${window.toFixed(0)} s with the last replies); the mailer and the dispatcher run off the table's stream as in AWS. ` +
        'Backlog = asked so far − delivered so far.',
      '',
      table(
        ['at', 'mails asked', 'mail backlog', 'events asked', 'event backlog'],
        backlog.map((b, i) => {
          const asked = i === backlog.length - 1 ? atEnd.asked : askedBy(started + b.at * 1000);
          return [`${b.at.toFixed(0)} s`, String(asked.mails), String(b.mails), String(asked.events), String(b.events)];
        }),
        ['r', 'r', 'r', 'r', 'r'],
      ),
    ].join('\n'),
  };
  return { rows, section };
}

/**
 * Measurement 5: a request for 50 recipients, from the POST until all 50 mails are in the SES
 * store (the outbox, the table's stream, the mailer), against 50 sequential raw SendEmail calls
 * of the same mail to the SES emulator. The ticket's activity (`mail_sent` is stamped as each
 * send begins) shows where the time goes.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { ApiClient } from '../tools/api-client.js';
import { LOCAL_CREDENTIALS } from '../tools/local-stack-process.js';
import { clearMailbox, mailAbout, type StoredMail } from '../tools/mailbox.js';
import { type BenchApprover, openBenchRequest } from './api.js';
import { atMost, type Row, type Section, table } from './report.js';
import { median, sleep } from './stats.js';

const ROUNDS = 5;
/** Each poll of a 50-mail store costs the SES emulator ~10 ms (≈400 KB of JSON), so not faster. */
const POLL_MS = 50;

/** Milliseconds after the POST was sent (wall clock: the stack stamps activity with Date). */
interface Timeline {
  posted: number;
  firstSendBegan: number;
  lastSendBegan: number;
  firstStored: number;
  allStored: number;
}

async function apiRound(api: ApiClient, technician: string, approvers: BenchApprover[], round: number) {
  await clearMailbox(api.info);
  const t0 = Date.now();
  const { ticketId, requestId } = await openBenchRequest(api, technician, approvers, `mail${round}`);
  const posted = Date.now() - t0;
  let firstStored = Number.NaN;
  let mails: StoredMail[] = [];
  for (const deadline = Date.now() + 30_000; ; await sleep(POLL_MS)) {
    mails = await api.mails(mailAbout(requestId));
    if (mails.length > 0 && Number.isNaN(firstStored)) firstStored = Date.now() - t0;
    if (mails.length >= approvers.length) break;
    if (Date.now() > deadline) throw new Error(`only ${mails.length} of ${approvers.length} mails arrived`);
  }
  const allStored = Date.now() - t0;
  await api.waitForIdle(); // the mailer has recorded the last sends
  const activity = await api.call<{ activity: { type: string; at: string }[] }>('GET', `/tickets/${ticketId}/activity`, {
    token: technician,
  });
  const sends = activity.body.activity.filter((e) => e.type === 'mail_sent').map((e) => Date.parse(e.at) - t0);
  const timeline: Timeline = { posted, firstSendBegan: Math.min(...sends), lastSendBegan: Math.max(...sends), firstStored, allStored };
  return { ticketId, mail: mails[0] as StoredMail, timeline };
}

export async function measureRequestMail(
  api: ApiClient,
  technician: string,
  approvers: BenchApprover[],
): Promise<{ rows: Row[]; section: Section; lastTicketId: string }> {
  const { info } = api;
  const ses = new SESv2Client({ region: info.region, endpoint: info.ses.endpoint, credentials: LOCAL_CREDENTIALS });
  const timelines: Timeline[] = [];
  const floor: number[] = [];
  let lastTicketId = '';
  // One round of each first, not counted (as for the decisions): this is the first measurement
  // after the stack starts, and the first POST, mailer run and SendEmails of a fresh process
  // run at a fraction of their later pace, the floor's as much as the API's.
  const warmUp = await apiRound(api, technician, approvers, -1);
  await clearMailbox(info);
  await sendSequentially(ses, warmUp.mail, approvers);
  for (let round = 0; round < ROUNDS; round++) {
    const result = await apiRound(api, technician, approvers, round);
    timelines.push(result.timeline);
    lastTicketId = result.ticketId;
    await clearMailbox(info);
    floor.push(await sendSequentially(ses, result.mail, approvers));
  }
  ses.destroy();
  const wall = median(timelines.map((t) => t.allStored));
  const n = approvers.length;
  const pick = (key: keyof Timeline) => `${median(timelines.map((t) => t[key])).toFixed(0)} ms`;
  return {
    rows: [
      {
        measurement: `5. request mail, ${n} recipients`,
        figure: `${wall.toFixed(0)} ms`,
        floor: `${median(floor).toFixed(0)} ms`,
        ratio: wall / median(floor),
        goal: atMost(1.5),
        note:
          `POST until all mails stored (polled every ${POLL_MS} ms), median of ${ROUNDS} after a warm-up round of each; floor: ${n} sequential SendEmail; ` +
          `from the POST's reply on: ${median(timelines.map((t) => t.allStored - t.posted)).toFixed(0)} ms`,
      },
    ],
    section: {
      title: 'Request mail: where the time goes',
      body: [
        `Milliseconds after the POST was sent, median of ${ROUNDS} rounds (after one warm-up round of each, not counted); "send began" comes from the \`mail_sent\` activity entries, ` +
          'which the mailer stamps just before each SendEmail. Each poll of the store returns every stored mail (≈400 KB for 50, ' +
          '≈10 ms of the emulator), so the polling itself slows the sends a little.',
        '',
        table(
          ['POST answered', 'first send began', 'last send began', 'first mail stored', 'all mails stored', 'floor (sequential sends)'],
          [
            [
              pick('posted'),
              pick('firstSendBegan'),
              pick('lastSendBegan'),
              pick('firstStored'),
              pick('allStored'),
              `${median(floor).toFixed(0)} ms`,
            ],
          ],
          ['r', 'r', 'r', 'r', 'r', 'r'],
        ),
      ].join('\n'),
    },
    lastTicketId,
  };
}

async function sendSequentially(ses: SESv2Client, mail: StoredMail, approvers: BenchApprover[]): Promise<number> {
  const started = performance.now();
  for (const approver of approvers) {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: [approver.email] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: mail.body.html ?? '', Charset: 'UTF-8' }, Text: { Data: mail.body.text ?? '', Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
  return performance.now() - started;
}

/**
 * Measurement 6: event latency. For one-recipient requests, from the moment the POST was
 * answered until the webhook receiver got `approval.requested`, against the time from the same
 * moment until the request mail was in the SES store, in the same rounds (goal ≤ 1.2×: an event
 * is never slower than a mail). The mail is found by polling the store every 10 ms, so its
 * figure carries up to 10 ms of polling; the webhook is timed on arrival.
 */
import type { ApiClient } from '../tools/api-client.js';
import { mailAbout, storedMails } from '../tools/mailbox.js';
import { type BenchApprover, openBenchRequest } from './api.js';
import { atMost, type Row } from './report.js';
import { percentile, sleep } from './stats.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const ROUNDS = 30;
const POLL_MS = 10;

export async function measureEventLatency(api: ApiClient, technician: string, approver: BenchApprover): Promise<Row[]> {
  const arrivals = new Map<string, number>();
  const receiver = await startWebhookReceiver(api, technician, (_headers, body) => {
    const event = JSON.parse(body) as { type: string; data: { ticketId: string | null } };
    if (event.type === 'approval.requested' && event.data.ticketId) arrivals.set(event.data.ticketId, Date.now());
  });
  const event: number[] = [];
  const mail: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { ticketId, requestId } = await openBenchRequest(api, technician, [approver], `event${round}`);
      const answered = Date.now();
      let mailAt = Number.NaN;
      for (const deadline = answered + 30_000; ; await sleep(POLL_MS)) {
        if (Number.isNaN(mailAt) && (await storedMails(api.info, mailAbout(requestId))).length > 0) mailAt = Date.now();
        if (!Number.isNaN(mailAt) && arrivals.has(ticketId)) break;
        if (Date.now() > deadline) throw new Error(`round ${round}: no ${Number.isNaN(mailAt) ? 'mail' : 'webhook'} within 30 s`);
      }
      event.push(arrivals.get(ticketId)! - answered);
      mail.push(mailAt - answered);
    }
  } finally {
    await receiver.close();
  }
  const row = (p: number): Row => {
    const e = percentile(event, p);
    const m = percentile(mail, p);
    return {
      measurement: `6. event latency (change answered → webhook received), p${p}`,
      figure: `${e.toFixed(0)} ms`,
      floor: `${m.toFixed(0)} ms`,
      ratio: e / Math.max(m, 1),
      goal: atMost(1.2),
      note: `${ROUNDS} one-recipient requests; floor: change answered → its mail in the SES store, same rounds`,
    };
  };
  return [row(50), row(99)];
}

import { logger } from '../logger.js';
import { listDueOutbox } from '../store/outbox-repository.js';
import { deliverOutbox } from './mailer.js';
import { sendDueReminders } from './reminders.js';

export interface SweepOutcome {
  reminded: number;
  delivered: number;
  retryLater: number;
}

/**
 * The scheduled sweep: sends the automatic reminders that are due (their mail goes through the
 * outbox like any other), then delivers outbox entries that are due again after a failed send (and
 * any the stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export async function sweep(now = new Date()): Promise<SweepOutcome> {
  const reminded = await sendDueReminders(now);
  const due = await listDueOutbox(now);
  let delivered = 0;
  let retryLater = 0;
  for (const id of due) {
    const outcome = await deliverOutbox(id);
    if (outcome === 'done') delivered++;
    if (outcome === 'retry-later') retryLater++;
  }
  if (due.length > 0 || reminded > 0) logger.info('sweep finished', { reminded, due: due.length, delivered, retryLater });
  return { reminded, delivered, retryLater };
}

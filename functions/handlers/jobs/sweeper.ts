import { logger } from '../../logger.js';
import { deliverOutbox } from '../../services/mailer.js';
import { actOnDueRequests } from '../../services/reminders.js';
import { listDueOutbox } from '../../store/outbox-repository.js';

/**
 * Runs on a schedule: acts on the deadlines and sends the automatic reminders that are due (their mail goes through the
 * outbox like any other), then delivers outbox entries that are due again after a failed send (and any
 * the stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export const handler = async (): Promise<{ reminded: number; deadlines: number; delivered: number; retryLater: number }> => {
  const { reminded, deadlines } = await actOnDueRequests();
  const due = await listDueOutbox(new Date());
  let delivered = 0;
  let retryLater = 0;
  for (const id of due) {
    const outcome = await deliverOutbox(id);
    if (outcome === 'done') delivered++;
    if (outcome === 'retry-later') retryLater++;
  }
  if (due.length > 0 || reminded > 0 || deadlines > 0)
    logger.info('sweep finished', { reminded, deadlines, due: due.length, delivered, retryLater });
  return { reminded, deadlines, delivered, retryLater };
};

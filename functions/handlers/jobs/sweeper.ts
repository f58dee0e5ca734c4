import { logger } from '../../logger.js';
import { deliverOutbox } from '../../services/mailer.js';
import { listDueOutbox } from '../../store/outbox-repository.js';

/**
 * Runs on a schedule: delivers outbox entries that are due again after a failed send (and any
 * the stream could not deliver). The claim inside deliverOutbox keeps it from racing the stream.
 */
export const handler = async (): Promise<{ delivered: number; retryLater: number }> => {
  const due = await listDueOutbox(new Date());
  let delivered = 0;
  let retryLater = 0;
  for (const id of due) {
    const outcome = await deliverOutbox(id);
    if (outcome === 'done') delivered++;
    if (outcome === 'retry-later') retryLater++;
  }
  if (due.length > 0) logger.info('sweep finished', { due: due.length, delivered, retryLater });
  return { delivered, retryLater };
};

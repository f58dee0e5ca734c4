import { recordMailEvent, type SesEvent } from '../../services/mail-events.js';

/**
 * Fed by EventBridge with what SES reports about our mail (bounces, complaints, rejections) for
 * the configuration set. A failure is thrown: Lambda retries the event and finally puts it in
 * the dead-letter queue (lib/jobs.ts), so nothing SES reported is dropped.
 */
export const handler = async (event: SesEvent): Promise<void> => {
  await recordMailEvent(event);
};

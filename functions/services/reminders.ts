import { remindDue } from '../domain/approval-request.js';
import { listDueReminders, loadRequest, saveChange } from '../store/approval-repository.js';
import { retryOnStaleState } from '../store/transaction.js';
import { SYSTEM_REMINDERS } from './actors.js';

/** Sends the automatic reminders that are due; each is one change, like a technician's reminder. */
export async function sendDueReminders(now = new Date()): Promise<number> {
  let sent = 0;
  for (const requestId of await listDueReminders(now)) {
    await retryOnStaleState(async () => {
      const request = await loadRequest(requestId);
      if (!request) return;
      const change = remindDue({ request, actor: SYSTEM_REMINDERS, now: now.toISOString() });
      await saveChange(change);
      sent += change.mails.length;
    });
  }
  return sent;
}

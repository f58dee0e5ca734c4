import { remindDue } from '../domain/approval-request.js';
import { loadRequest, saveChange } from '../store/approval-repository.js';
import { retryOnStaleState } from '../store/transaction.js';
import { SYSTEM_REMINDERS } from './actors.js';
import { drainDue } from './due-sweep.js';

/** Sends one request's automatic reminder if due; like a technician's reminder, it is one change. Returns the mails asked for. */
export async function sendDueReminder(requestId: string, now: Date): Promise<number> {
  return retryOnStaleState(async () => {
    const request = await loadRequest(requestId, { conversation: false });
    if (!request) return 0;
    const change = remindDue({ request, actor: SYSTEM_REMINDERS, now: now.toISOString() });
    await saveChange(change);
    return change.mails.length;
  });
}

/** Sends every automatic reminder due by `now` (all shards, in parallel batches); returns the mails asked for. */
export async function sendDueReminders(now = new Date()): Promise<number> {
  let mails = 0;
  await drainDue(now, {
    request: async (id) => {
      mails += await sendDueReminder(id, now);
    },
  });
  return mails;
}

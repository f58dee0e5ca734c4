import { remindDue } from '../domain/approval-request.js';
import { isDeadlineDue, passDeadline } from '../domain/deadline.js';
import type { ApprovalRequest, Approver } from '../domain/types.js';
import { loadRequest, saveChange } from '../store/approval-repository.js';
import { getApprovers, toApprover } from '../store/directory-repository.js';
import { retryOnStaleState } from '../store/transaction.js';
import { SYSTEM_DEADLINES, SYSTEM_REMINDERS } from './actors.js';
import { drainDue } from './due-sweep.js';

export interface DueWorkDone {
  /** Reminder mails asked for. */
  reminded: number;
  /** Deadlines that acted (declined, canceled or escalated a request). */
  deadlines: number;
}

/** The escalation's approvers that are still listed when it acts; delisted ones are left out. */
async function stillListed(request: ApprovalRequest): Promise<Approver[]> {
  const ids = request.deadline?.outcome === 'escalate' ? (request.deadline.escalateTo ?? []) : [];
  if (ids.length === 0) return [];
  const entries = await getApprovers(ids);
  return ids.flatMap((id) => {
    const entry = entries.get(id);
    return entry?.listed ? [toApprover(entry)] : [];
  });
}

/**
 * One request's due work (a request has one due entry, at its next reminder or its deadline,
 * whichever comes first). A due deadline acts (and a reminder due with it is moot); otherwise the
 * reminder goes out, like a technician's reminder. Each is one change guarded by the request's
 * version, so a deadline racing a last answer ends in exactly one outcome: the loser reloads and
 * finds the request closed.
 */
export async function actOnDueRequest(requestId: string, now: Date): Promise<DueWorkDone> {
  const at = now.toISOString();
  return retryOnStaleState(async () => {
    const request = await loadRequest(requestId, { conversation: false });
    if (!request) return { reminded: 0, deadlines: 0 };
    if (isDeadlineDue(request, at)) {
      const change = passDeadline({ request, escalateTo: await stillListed(request), actor: SYSTEM_DEADLINES, now: at });
      // approval.expired (and approval.escalated) are written with the change, in its transaction.
      await saveChange(change);
      return { reminded: 0, deadlines: 1 };
    }
    const change = remindDue({ request, actor: SYSTEM_REMINDERS, now: at });
    await saveChange(change);
    return { reminded: change.mails.length, deadlines: 0 };
  });
}

/**
 * The due-work job for requests: every request whose reminder or deadline is due by `now`, from
 * all shards of the due index in parallel batches (services/due-sweep.ts).
 */
export async function actOnDueRequests(now = new Date()): Promise<DueWorkDone> {
  const done: DueWorkDone = { reminded: 0, deadlines: 0 };
  await drainDue(now, {
    request: async (id) => {
      const one = await actOnDueRequest(id, now);
      done.reminded += one.reminded;
      done.deadlines += one.deadlines;
    },
  });
  return done;
}

/** Sends the automatic reminders that are due (and acts on due deadlines); the count of reminder mails. */
export async function sendDueReminders(now = new Date()): Promise<number> {
  return (await actOnDueRequests(now)).reminded;
}

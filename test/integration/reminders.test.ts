import { beforeAll, describe, expect, it } from 'vitest';
import { type OwnTableModules, ownTableModules } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';

/** Automatic reminders, driven by the sweeper's clock on DynamoDB Local (no waiting for hours). */
let store: OwnTableModules['store'];
let outbox: OwnTableModules['outbox'];
let reminders: OwnTableModules['reminders'];

beforeAll(async () => {
  ({ store, outbox, reminders } = await ownTableModules('reminders'));
});

describe('automatic reminders', () => {
  it('mails everyone still pending when due, once, and schedules the next', async () => {
    const created = new Date();
    const { requestId } = await savedRequest(['r1', 'r2'], { remindEveryHours: 2, now: created });
    const soon = new Date(created.getTime() + 3600_000);
    const due = new Date(created.getTime() + 2 * 3600_000 + 1000);
    expect(await reminders.sendDueReminders(soon)).toBe(0);

    expect(await reminders.sendDueReminders(due)).toBe(2);
    expect(await reminders.sendDueReminders(due)).toBe(0); // not twice for one due time

    const request = (await store.loadRequest(requestId))!;
    expect(request.recipients.map((r) => r.reminders)).toEqual([1, 1]);
    expect(request.nextReminderAt).toBe(new Date(due.getTime() + 2 * 3600_000).toISOString());
    const entries = await Promise.all((await outbox.listDueOutbox(due, 100)).map((id) => outbox.getOutbox(id)));
    const mails = entries.filter((e) => e?.requestId === requestId).flatMap((e) => e!.mails.map((m) => `${m.kind}:${m.approverId}`));
    expect(mails.sort()).toEqual(['reminder:r1', 'reminder:r2', 'request:r1', 'request:r2']);
  });
});

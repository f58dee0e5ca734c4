import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRequest } from '../../functions/domain/approval-request.js';
import { approver, technician, ticket } from '../domain/fixtures.js';
import { useOwnTable } from '../support/own-table.js';

/** Automatic reminders, driven by the sweeper's clock on DynamoDB Local (no waiting for hours). */
let store: typeof import('../../functions/store/approval-repository.js');
let outbox: typeof import('../../functions/store/outbox-repository.js');
let reminders: typeof import('../../functions/services/reminders.js');
let keys: typeof import('../../functions/store/keys.js');
let ids: typeof import('../../functions/store/ids.js');

beforeAll(async () => {
  await useOwnTable('reminders');
  store = await import('../../functions/store/approval-repository.js');
  outbox = await import('../../functions/store/outbox-repository.js');
  reminders = await import('../../functions/services/reminders.js');
  keys = await import('../../functions/store/keys.js');
  ids = await import('../../functions/store/ids.js');
});

describe('automatic reminders', () => {
  it('mails everyone still pending when due, once, and schedules the next', async () => {
    const ticketId = `T-${randomUUID().slice(0, 8)}`;
    const created = new Date();
    const change = createRequest({
      id: keys.toRequestId(ticketId, ids.ulid()),
      ticketId,
      ticket,
      approvers: [approver('r1'), approver('r2')],
      policy: { type: 'all' },
      message: null,
      remindEveryHours: 2,
      actor: technician,
      now: created.toISOString(),
    });
    await store.saveChange(change, { snapshot: ticket });
    const soon = new Date(created.getTime() + 3600_000);
    const due = new Date(created.getTime() + 2 * 3600_000 + 1000);
    expect(await reminders.sendDueReminders(soon)).toBe(0);

    expect(await reminders.sendDueReminders(due)).toBe(2);
    expect(await reminders.sendDueReminders(due)).toBe(0); // not twice for one due time

    const request = (await store.loadRequest(change.after.id))!;
    expect(request.recipients.map((r) => r.reminders)).toEqual([1, 1]);
    expect(request.nextReminderAt).toBe(new Date(due.getTime() + 2 * 3600_000).toISOString());
    const entries = await Promise.all((await outbox.listDueOutbox(due, 100)).map((id) => outbox.getOutbox(id)));
    const mails = entries.filter((e) => e?.requestId === change.after.id).flatMap((e) => e!.mails.map((m) => `${m.kind}:${m.approverId}`));
    expect(mails.sort()).toEqual(['reminder:r1', 'reminder:r2', 'request:r1', 'request:r2']);
  });
});

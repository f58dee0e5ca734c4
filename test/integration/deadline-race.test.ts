import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Approver } from '../../functions/domain/types.js';
import { indexKeys, SHARDS } from '../../functions/store/keys.js';
import { approver } from '../domain/fixtures.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';

/** Deadlines driven by the due-work job's clock on DynamoDB Local (no waiting for the time to come). */
let store: typeof import('../../functions/store/approval-repository.js');
let activity: typeof import('../../functions/store/activity-repository.js');
let due: typeof import('../../functions/services/reminders.js');
let portal: typeof import('../../functions/services/answers.js');
let client: typeof import('../../functions/store/client.js');

beforeAll(async () => {
  await useOwnTable('deadlines');
  store = await import('../../functions/store/approval-repository.js');
  activity = await import('../../functions/store/activity-repository.js');
  due = await import('../../functions/services/reminders.js');
  portal = await import('../../functions/services/answers.js');
  client = await import('../../functions/store/client.js');
});

const session = (approverId: string) => ({ approverId, signedInAs: { sub: `sub-${approverId}`, email: null }, authTime: null });
const hours = (from: Date, h: number) => new Date(from.getTime() + h * 3600_000);

/** `count` requests saved for these approvers with these options, each approved by 'a' already. */
const approvedByA = (count: number, approvers: string[], options: Parameters<typeof savedRequest>[1]) =>
  Promise.all(
    Array.from({ length: count }, async () => {
      const saved = await savedRequest(approvers, options);
      await portal.recordResponse(saved.requestId, session('a'), { decision: 'approve' });
      return saved;
    }),
  );

/**
 * Approves each request as 'b' while the due-work job runs as if just after the deadline `at`,
 * then runs the job once more. The answers, settled, in the order of `requests`.
 */
async function raceLastAnswerWithDeadline(requests: { requestId: string }[], at: Date) {
  const [answers] = await Promise.all([
    Promise.allSettled(requests.map((r) => portal.recordResponse(r.requestId, session('b'), { decision: 'approve' }))),
    due.actOnDueRequests(new Date(at.getTime() + 1000)),
  ]);
  await due.actOnDueRequests(new Date(at.getTime() + 2000));
  return answers;
}

/** The request as saved, the status changes that closed it, and the deadline_passed entries of its log. */
async function outcomeOf({ ticketId, requestId }: { ticketId: string; requestId: string }) {
  const request = (await store.loadRequest(requestId))!;
  const log = await activity.listActivity(ticketId);
  const closings = log.filter((e) => e.type === 'status_changed' && (e.to === 'approved' || e.to === 'declined'));
  return { request, closings, passed: log.filter((e) => e.type === 'deadline_passed') };
}

describe('a deadline racing the last answer', () => {
  it('ends each request in exactly one outcome, recorded once', async () => {
    // The answer is given before the deadline (real time), the job runs as if just after it:
    // both read the same version, and only one write can win.
    const at = new Date(Date.now() + 60_000);
    const requests = await approvedByA(6, ['a', 'b'], { deadline: { at: at.toISOString(), outcome: 'decline' } });

    // The second run of the job finishes whatever the race left behind, and changes nothing decided.
    const answers = await raceLastAnswerWithDeadline(requests, at);

    for (const [i, saved] of requests.entries()) {
      const { request, closings, passed } = await outcomeOf(saved);
      expect(closings, `request ${i}`).toHaveLength(1);
      const answer = answers[i]!;
      if (request.status === 'approved') {
        expect(answer.status).toBe('fulfilled');
        expect(passed).toHaveLength(0);
        expect(request.closedReason).toBeNull();
      } else {
        expect(request).toMatchObject({ status: 'declined', closedReason: 'deadline' });
        expect(answer).toMatchObject({ status: 'rejected', reason: { code: 'request_closed' } });
        expect(passed).toHaveLength(1);
        expect(request.recipients.find((r) => r.approverId === 'b')?.status).toBe('pending');
      }
    }
  });
});

describe('a deadline racing the last answer of the last stage', () => {
  it('ends each staged request in exactly one outcome, recorded once', async () => {
    const at = new Date(Date.now() + 60_000);
    const requests = await approvedByA(4, [], { stages: [['a'], ['b']], deadline: { at: at.toISOString(), outcome: 'decline' } });
    for (const { requestId } of requests) expect((await store.loadRequest(requestId))?.currentStage).toBe(2);

    const answers = await raceLastAnswerWithDeadline(requests, at);

    for (const [i, saved] of requests.entries()) {
      const { request, closings, passed } = await outcomeOf(saved);
      expect(closings, `request ${i}`).toHaveLength(1);
      expect(passed).toHaveLength(request.status === 'approved' ? 0 : 1);
      expect(answers[i]!.status).toBe(request.status === 'approved' ? 'fulfilled' : 'rejected');
    }
  });
});

describe('reminders before a deadline', () => {
  it('sends the last reminder an hour before the deadline, then acts on the deadline, and reminds no more', async () => {
    const created = new Date();
    const { requestId } = await savedRequest(['r1', 'r2'], {
      remindEveryHours: 24,
      now: created,
      deadline: { at: hours(created, 5).toISOString(), outcome: 'decline' },
    });
    expect((await store.loadRequest(requestId))?.nextReminderAt).toBe(hours(created, 4).toISOString());

    expect(await due.actOnDueRequests(hours(created, 3))).toEqual({ reminded: 0, deadlines: 0 });
    expect(await due.actOnDueRequests(hours(created, 4))).toEqual({ reminded: 2, deadlines: 0 });
    expect(await due.actOnDueRequests(hours(created, 4.5))).toEqual({ reminded: 0, deadlines: 0 });
    expect(await due.actOnDueRequests(hours(created, 5))).toEqual({ reminded: 0, deadlines: 1 });
    expect(await due.actOnDueRequests(hours(created, 48))).toEqual({ reminded: 0, deadlines: 0 });
    expect((await store.loadRequest(requestId))?.status).toBe('declined');
  });

  it('escalates to the listed approvers only, as they are when the deadline acts', async () => {
    const directory = await import('../../functions/store/directory-repository.js');
    const boss: Approver = approver(`boss-${Date.now()}`);
    const gone: Approver = approver(`gone-${Date.now()}`);
    await directory.saveApprover({ ...boss, listed: true, login: null }, null);
    await directory.saveApprover({ ...gone, listed: false, login: null }, null);
    const created = new Date();
    const { requestId } = await savedRequest(['r1'], {
      now: created,
      deadline: { at: hours(created, 1).toISOString(), outcome: 'escalate', escalateTo: [boss.approverId, gone.approverId] },
    });
    expect(await due.actOnDueRequests(hours(created, 1))).toEqual({ reminded: 0, deadlines: 1 });
    const request = (await store.loadRequest(requestId))!;
    expect(request.recipients.map((r) => [r.approverId, r.status])).toEqual([
      ['r1', 'expired'],
      [boss.approverId, 'pending'],
    ]);
  });
});

describe('the cost of the sweep', () => {
  it('finds due deadlines and reminders with one query per shard of the due index, however many requests are open', async () => {
    const created = new Date();
    const far = { at: hours(created, 48).toISOString(), outcome: 'decline' as const };
    await Promise.all(Array.from({ length: 8 }, () => savedRequest(['a'], { now: created, remindEveryHours: 24, deadline: far })));
    const sent = vi.spyOn(client.documents, 'send');
    try {
      // Nothing of these is due an hour on: the run is one query of each due partition and nothing else.
      await due.actOnDueRequests(hours(created, 1));
      const calls = sent.mock.calls.map(([command]) => command.constructor.name);
      // One per shard, and no partition from before sharding (the migration moved their items).
      expect(calls).toEqual(Array.from({ length: SHARDS.due }, () => 'QueryCommand'));
      const inputs = sent.mock.calls.map(
        ([command]) => command.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> },
      );
      expect(inputs.map((input) => input.IndexName)).toEqual(indexKeys.duePks().map(() => 'gsi3'));
      expect(inputs.map((input) => input.ExpressionAttributeValues?.[':pk']).sort()).toEqual(indexKeys.duePks().sort());
    } finally {
      sent.mockRestore();
    }
  });
});

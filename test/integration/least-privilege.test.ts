import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, ROUTES } from '../../functions/handlers/routes.js';
import { ensureLocalKeyFile } from '../../functions/signing/local-signer.js';
import { handlerAccess } from '../../lib/handler-access.js';
import { handlerOf, type InvokeInput, invokeRoute } from '../../tools/invoke.js';
import { local, ticketBody } from '../support/api.js';
import { useOwnTable } from '../support/own-table.js';
import { savedRequest } from '../support/saved-request.js';
import { bounceOf } from '../support/ses-events.js';
import { startReceiver } from '../support/webhook-receiver.js';

function webhookKeyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'signoff-iam-')), 'webhook.key');
  writeFileSync(file, randomBytes(32));
  return file;
}

function receiptKeyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'signoff-iam-')), 'receipt-keys.json');
  ensureLocalKeyFile(file);
  return file;
}

/**
 * IAM by observation. Every handler runs in this process against the emulators (a table of this
 * file's own, the run's cognito-local and SES emulator), through its success paths and the
 * error paths that touch something (Idempotency-Key replays, reuses and releases); a middleware
 * on each AWS client records what it calls. The emulators enforce no IAM, so this is what proves
 * that the grants of the route table (functions/handlers/routes.ts, through lib/handler-access.ts),
 * from which every role is built, give each handler exactly what its code does: a missing action
 * would be AccessDenied (a 5xx) in AWS, an extra one a needless privilege.
 */
type Observed = { table: Set<string>; indexes: Set<string>; cognito: Set<string>; sendMail: boolean };
const observed = new Map<string, Observed>();
let current: string | undefined;

function note(client: 'dynamodb' | 'cognito' | 'ses', command: string, input: Record<string, unknown>) {
  if (!current) return;
  const seen = observed.get(current) ?? { table: new Set(), indexes: new Set(), cognito: new Set(), sendMail: false };
  observed.set(current, seen);
  const action = command.replace(/Command$/, '');
  if (client === 'cognito') seen.cognito.add(action);
  else if (client === 'ses') seen.sendMail ||= action === 'SendEmail';
  else if (action === 'TransactWriteItems') {
    // IAM authorises each action of a transaction on its own.
    for (const item of input.TransactItems as Record<string, unknown>[]) {
      const kind = Object.keys(item)[0];
      seen.table.add({ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind!] ?? kind!);
    }
  } else if (action === 'Query' && input.IndexName) seen.indexes.add(String(input.IndexName));
  else seen.table.add(action);
}

/** Runs work as the handler `name`: every AWS call made meanwhile is put down to it. */
async function as<T>(name: string, work: () => Promise<T>): Promise<T> {
  current = name;
  try {
    return await work();
  } finally {
    current = undefined;
  }
}

const technician = { sub: `tech-${randomUUID().slice(0, 8)}`, email: 'tess@example.com', 'cognito:groups': ['technicians'] };
const call = (input: InvokeInput) => as(input.route, () => invokeRoute(input));
/** A call with an Idempotency-Key, then its retry: a replay of a success, a rerun of a refusal (refusals are not kept). */
async function withKey(input: InvokeInput) {
  const keyed = { ...input, headers: { 'idempotency-key': randomUUID() } };
  const first = await call(keyed);
  const retry = await call(keyed);
  expect(retry.status, `${input.route} retried`).toBe(first.status);
  return first;
}
const u = (name: string) => `${name}-${randomUUID().slice(0, 6)}`;

let m: {
  directory: typeof import('../../functions/store/directory-repository.js');
  outbox: typeof import('../../functions/store/outbox-repository.js');
  requestIds: typeof import('../../functions/domain/request-id.js');
  tags: typeof import('../../functions/mail/tags.js');
  events: typeof import('../../functions/store/event-outbox.js');
  delegations: typeof import('../../functions/store/delegation-repository.js');
};

beforeAll(async () => {
  await useOwnTable('iam');
  const info = local();
  Object.assign(process.env, {
    USER_POOL_ID: info.cognito.userPoolId,
    PORTAL_CLIENT_ID: info.cognito.clientId,
    COGNITO_ENDPOINT: info.cognito.endpoint,
    SES_ENDPOINT: info.ses.endpoint,
    LOG_LEVEL: 'SILENT',
    // As on the local stack: secrets sealed by a key file (no KMS here), receivers on loopback.
    WEBHOOK_KEY_FILE: webhookKeyFile(),
    RECEIPT_KEY_FILE: receiptKeyFile(),
    WEBHOOK_ALLOW_LOOPBACK: 'true',
  });
  const { dynamodb } = await import('../../functions/store/client.js');
  const { cognito } = await import('../../functions/identity/cognito-client.js');
  const { ses } = await import('../../functions/mail/ses.js');
  for (const [name, client] of [
    ['dynamodb', dynamodb],
    ['cognito', cognito],
    ['ses', ses],
  ] as const) {
    (client.middlewareStack as { add: (mw: unknown, options: unknown) => void }).add(
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: Record<string, unknown> }) => {
          note(name, String(context.commandName), args.input);
          return next(args);
        },
      { step: 'initialize', name: 'leastPrivilegeRecorder' },
    );
  }
  m = {
    directory: await import('../../functions/store/directory-repository.js'),
    outbox: await import('../../functions/store/outbox-repository.js'),
    requestIds: await import('../../functions/domain/request-id.js'),
    tags: await import('../../functions/mail/tags.js'),
    events: await import('../../functions/store/event-outbox.js'),
    delegations: await import('../../functions/store/delegation-repository.js'),
  };
});

afterAll(() => {
  current = undefined;
});

/** Lists an approver through the API; returns the claims of their portal login. */
async function listed(approverId: string, kind: 'user' | 'contact', email: string) {
  const reply = await withKey({
    route: 'put-approver',
    claims: technician,
    pathParameters: { approverId },
    body: { kind, email, name: approverId },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
  const entry = await m.directory.getApprover(approverId);
  return { sub: entry!.login!.sub, 'cognito:groups': [kind === 'user' ? 'users' : 'contacts'] };
}

async function deliverMailOf(requestId: string) {
  const due = await m.outbox.listDueOutbox(new Date(Date.now() + 1000), 100);
  const entries = await Promise.all(due.map((id) => m.outbox.getOutbox(id)));
  const ids = entries.filter((e) => e?.requestId === requestId).map((e) => e!.id);
  const mailer = await handlerOf(JOBS.mailer.entry);
  const records = ids.map((id, i) => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(i + 1), NewImage: { entity: { S: 'outbox' }, id: { S: id } } },
  }));
  const result = await as(JOBS.mailer.name, () => mailer({ Records: records } as unknown as DynamoDBStreamEvent, {} as never));
  expect(result).toEqual({ batchItemFailures: [] });
}

describe('every handler, run for real', () => {
  it('goes through the whole flow, its replays and its refusals', async () => {
    // The directory: list, relist as another kind, change the email, refuse a duplicate, delist.
    const ann = u('ann');
    const annEmail = `${ann}@example.com`;
    await listed(ann, 'user', annEmail);
    const key = randomUUID();
    const put = (body: unknown) =>
      call({ route: 'put-approver', claims: technician, pathParameters: { approverId: ann }, body, headers: { 'idempotency-key': key } });
    expect((await put({ kind: 'contact', email: annEmail, name: ann })).status).toBe(200);
    expect((await put({ kind: 'contact', email: annEmail, name: ann })).status).toBe(200); // replayed
    expect((await put({ kind: 'user', email: annEmail, name: ann })).status).toBe(422); // key reused
    const annNew = `${ann}.new@example.com`;
    await listed(ann, 'contact', annNew);
    const annEntry = (await m.directory.getApprover(ann))!;
    // As Cognito's ID token carries them: the login's sub and email (an answer is checked against the login in its transaction).
    const annClaims = { sub: annEntry.login!.sub, email: annEntry.email, 'cognito:groups': ['contacts'] };
    const bob = u('bob');
    const bobClaims = await listed(bob, 'user', `${bob}@example.com`);
    const duplicate = await withKey({
      route: 'put-approver',
      claims: technician,
      pathParameters: { approverId: u('dup') },
      body: { kind: 'user', email: annNew, name: 'Dup' },
    });
    expect(duplicate.status).toBe(409);
    const gone = u('gone');
    await listed(gone, 'user', `${gone}@example.com`);
    expect((await withKey({ route: 'delete-approver', claims: technician, pathParameters: { approverId: gone } })).status).toBe(204);
    expect((await withKey({ route: 'delete-approver', claims: technician, pathParameters: { approverId: u('nobody') } })).status).toBe(404);
    // A login that is also a technician's: delisting takes it out of the approver group, never disables it.
    const dual = u('dual');
    await listed(dual, 'user', `${dual}@example.com`);
    const { cognito } = await import('../../functions/identity/cognito-client.js');
    const { AdminAddUserToGroupCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: local().cognito.userPoolId, Username: `${dual}@example.com`, GroupName: 'technicians' }),
    );
    expect((await withKey({ route: 'delete-approver', claims: technician, pathParameters: { approverId: dual } })).status).toBe(204);
    expect((await call({ route: 'list-approvers', claims: technician, query: { kind: 'contact' } })).status).toBe(200);

    // A ticket's request: create, refuse a second, read, edit, remind.
    const ticketId = u('T');
    const path = { ticketId };
    const created = await withKey({ route: 'create-approval', claims: technician, pathParameters: path, body: ticketBody([ann, bob]) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const requestId = created.body!.id as string;
    expect((await withKey({ route: 'create-approval', claims: technician, pathParameters: path, body: ticketBody([ann]) })).status).toBe(
      409,
    );
    await deliverMailOf(requestId);
    expect((await call({ route: 'get-approval', claims: technician, pathParameters: path })).status).toBe(200);
    expect((await call({ route: 'list-tickets', claims: technician, query: { ids: ticketId } })).status).toBe(200);
    expect((await call({ route: 'list-tickets', claims: technician, query: { approvalStatus: 'pending' } })).status).toBe(200);
    expect((await call({ route: 'get-activity', claims: technician, pathParameters: path })).status).toBe(200);
    const snapshot = ticketBody([]).ticket;
    expect((await withKey({ route: 'put-ticket', claims: technician, pathParameters: path, body: snapshot })).status).toBe(200);
    expect((await withKey({ route: 'put-ticket', claims: technician, pathParameters: path, body: { number: 1 } })).status).toBe(400);
    const carl = u('carl');
    await listed(carl, 'user', `${carl}@example.com`);
    const edit = (recipients: string[]) =>
      withKey({ route: 'put-recipients', claims: technician, pathParameters: path, body: { recipients } });
    expect((await edit([ann, bob, carl])).status).toBe(200);
    expect((await edit([ann, bob, carl, u('stranger')])).status).toBe(422);
    const remind = (approverId: string) =>
      withKey({ route: 'send-reminder', claims: technician, pathParameters: { ticketId, approverId } });
    expect((await remind(bob)).status).toBe(202);
    const deadline = (body: unknown) => withKey({ route: 'put-deadline', claims: technician, pathParameters: path, body });
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    expect((await deadline({ at: tomorrow, outcome: 'escalate', escalateTo: [carl] })).status).toBe(200);
    expect((await deadline({ at: tomorrow, outcome: 'escalate', escalateTo: [u('stranger')] })).status).toBe(422);
    expect((await remind(u('stranger'))).status).toBe(404);
    // A staged request, and an edit of its later stage (200; an unlisted newcomer 422).
    const staged = { ticketId: `T-${randomUUID().slice(0, 8)}` };
    const { recipients: _r, ...stagedBase } = ticketBody([]);
    const stages = [{ recipients: [bob] }, { recipients: [carl] }];
    expect(
      (await withKey({ route: 'create-approval', claims: technician, pathParameters: staged, body: { ...stagedBase, stages } })).status,
    ).toBe(201);
    const stageEdit = (recipients: string[]) =>
      withKey({ route: 'put-stage-recipients', claims: technician, pathParameters: { ...staged, index: '2' }, body: { recipients } });
    expect((await stageEdit([carl, ann])).status).toBe(200);
    expect((await stageEdit([carl, u('stranger')])).status).toBe(422);

    // The portal: read, give feedback, decide, refuse a second decision.
    expect((await call({ route: 'list-my-approvals', claims: annClaims })).status).toBe(200);
    expect((await call({ route: 'get-my-approval', claims: annClaims, pathParameters: { requestId } })).status).toBe(200);
    const respond = (body: unknown) => withKey({ route: 'respond', claims: annClaims, pathParameters: { requestId }, body });
    expect((await respond({ feedback: 'Which model?' })).status).toBe(200);
    expect((await respond({ decision: 'approve' })).status).toBe(200);
    expect((await respond({ decision: 'decline' })).status).toBe(409);
    expect((await call({ route: 'get-my-approval', claims: bobClaims, pathParameters: { requestId } })).status).toBe(200);

    // Delegation: bob (pending on the request) names dave, which hands the place over; then a
    // technician does the same for carl (dave already holds a place there: nothing to hand over).
    const dave = u('dave');
    await listed(dave, 'user', `${dave}@example.com`);
    const away = { substituteId: dave, until: tomorrow };
    expect((await withKey({ route: 'put-my-delegation', claims: bobClaims, body: away })).status).toBe(200);
    expect((await withKey({ route: 'put-my-delegation', claims: bobClaims, body: { ...away, substituteId: bob } })).status).toBe(422);
    expect((await call({ route: 'get-my-delegation', claims: bobClaims })).status).toBe(200);
    expect((await withKey({ route: 'delete-my-delegation', claims: bobClaims })).status).toBe(204);
    const carlPath = { approverId: carl };
    expect((await withKey({ route: 'put-delegation', claims: technician, pathParameters: carlPath, body: away })).status).toBe(200);
    const toSelf = { ...away, substituteId: carl };
    expect((await withKey({ route: 'put-delegation', claims: technician, pathParameters: carlPath, body: toSelf })).status).toBe(422);
    expect((await call({ route: 'get-delegation', claims: technician, pathParameters: carlPath })).status).toBe(200);
    expect((await withKey({ route: 'delete-delegation', claims: technician, pathParameters: carlPath })).status).toBe(204);
    expect((await call({ route: 'get-delegation', claims: technician, pathParameters: { approverId: u('nobody') } })).status).toBe(404);

    // What SES reports about a mail it sent.
    const mailEvents = await handlerOf(JOBS.mailEvents.entry);
    const tags = m.tags.mailTags({
      ticketId,
      requestKey: m.requestIds.fromRequestId(requestId).requestKey,
      approverId: bob,
      mail: 'request',
    });
    const bounce = bounceOf({ messageId: `msg-${randomUUID()}`, at: new Date().toISOString(), to: `${bob}@example.com`, tags });
    await as(JOBS.mailEvents.name, () => mailEvents(bounce, {} as never));

    // Cancel, twice.
    expect((await withKey({ route: 'cancel-approval', claims: technician, pathParameters: path })).status).toBe(204);
    expect((await withKey({ route: 'cancel-approval', claims: technician, pathParameters: path })).status).toBe(404);

    // The canceled request's receipt: not signed yet, then signed by the receipt job (stream
    // record and schedule), then read by the technician (one, the chain) and by a recipient.
    expect((await call({ route: 'get-approval-receipt', claims: technician, pathParameters: path })).status).toBe(404);
    const receipts = await handlerOf(JOBS.receipts.entry);
    const receiptRecord = { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'receipt' }, ticketId: { S: ticketId } } } };
    await as(JOBS.receipts.name, () => receipts({ Records: [receiptRecord] } as unknown as DynamoDBStreamEvent, {} as never));
    await as(JOBS.receipts.name, () => receipts({}, {} as never));
    expect((await call({ route: 'get-approval-receipt', claims: technician, pathParameters: path })).status).toBe(200);
    expect((await call({ route: 'list-ticket-receipts', claims: technician, pathParameters: path })).status).toBe(200);
    expect((await call({ route: 'get-my-receipt', claims: annClaims, pathParameters: { requestId } })).status).toBe(200);
    expect((await call({ route: 'jwks' })).status).toBe(200);

    // The sweeper, with an automatic reminder due and its mail to send.
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
    await savedRequest([(await m.directory.getApprover(carl))!], { remindEveryHours: 1, now: threeHoursAgo });
    const sweeper = await handlerOf(JOBS.sweeper.entry);
    // …a delegation set ahead of time whose start has come…
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await m.delegations.putDelegation(
      {
        approverId: carl,
        kind: 'user',
        substituteId: dave,
        substituteName: dave,
        from: minuteAgo,
        until: tomorrow,
        note: null,
        setBy: { kind: 'technician', id: technician.sub },
        setAt: minuteAgo,
      },
      true,
    );
    // …and a deadline that escalates, due too.
    await savedRequest([(await m.directory.getApprover(carl))!], {
      now: threeHoursAgo,
      deadline: { at: new Date(Date.now() - 3600_000).toISOString(), outcome: 'escalate', escalateTo: [ann] },
    });
    const swept = (await as(JOBS.sweeper.name, () => sweeper({}, {} as never))) as unknown as {
      reminded: number;
      deadlines: number;
      delivered: number;
    };
    expect(swept.reminded).toBe(1);
    expect(swept.deadlines).toBe(1);
    expect(swept.delivered).toBeGreaterThanOrEqual(1);

    // Webhooks: register (a receiver on loopback), refuse a private address, read, rotate, test,
    // the dispatcher (stream and sweep), the deliveries, delete.
    const receiver = await startReceiver();
    const hook = await withKey({ route: 'create-webhook', claims: technician, body: { url: receiver.url } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const webhook = { id: hook.body!.id as string };
    expect((await withKey({ route: 'create-webhook', claims: technician, body: { url: 'https://10.0.0.1/hook' } })).status).toBe(422);
    expect((await call({ route: 'list-webhooks', claims: technician })).status).toBe(200);
    expect((await call({ route: 'get-webhook', claims: technician, pathParameters: webhook })).status).toBe(200);
    expect((await withKey({ route: 'rotate-webhook-secret', claims: technician, pathParameters: webhook })).status).toBe(200);
    expect((await withKey({ route: 'test-webhook', claims: technician, pathParameters: webhook })).status).toBe(202);
    const noWebhook = { id: u('wh') };
    expect((await withKey({ route: 'rotate-webhook-secret', claims: technician, pathParameters: noWebhook })).status).toBe(404);
    expect((await withKey({ route: 'test-webhook', claims: technician, pathParameters: noWebhook })).status).toBe(404);
    const dispatcher = await handlerOf(JOBS.dispatcher.entry);
    const due = await m.events.listDueEvents(new Date(Date.now() + 1000), 100);
    const eventRecords = due.map((id, i) => ({
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: String(i + 1), NewImage: { entity: { S: 'event' }, id: { S: id } } },
    }));
    expect(
      await as(JOBS.dispatcher.name, () => dispatcher({ Records: eventRecords } as unknown as DynamoDBStreamEvent, {} as never)),
    ).toEqual({
      batchItemFailures: [],
    });
    await as(JOBS.dispatcher.name, () => dispatcher({}, {} as never));
    expect(receiver.received.length).toBeGreaterThan(0);
    expect((await call({ route: 'list-webhook-deliveries', claims: technician, pathParameters: webhook })).status).toBe(200);
    expect((await withKey({ route: 'delete-webhook', claims: technician, pathParameters: webhook })).status).toBe(204);
    expect((await withKey({ route: 'delete-webhook', claims: technician, pathParameters: webhook })).status).toBe(404);
    await receiver.close();

    // The public routes.
    expect((await call({ route: 'health' })).status).toBe(200);
    expect((await call({ route: 'portal-config' })).status).toBe(200);
  });

  it.each([...ROUTES.map((r) => r.name), ...Object.values(JOBS).map((j) => j.name)].map((name) => [name] as const))(
    '%s is granted exactly the AWS actions it was seen to call',
    (name) => {
      const seen = observed.get(name) ?? { table: new Set(), indexes: new Set(), cognito: new Set(), sendMail: false };
      const access = handlerAccess(name);
      expect([...seen.table].sort(), 'table actions').toEqual([...(access.table ?? [])].sort());
      expect([...seen.indexes].sort(), 'indexes queried').toEqual([...(access.indexes ?? [])].sort());
      expect([...seen.cognito].sort(), 'Cognito actions').toEqual([...(access.cognito ?? [])].sort());
      expect(seen.sendMail, 'sends mail').toBe(access.sendMail ?? false);
      expect(seen.table.has('Scan')).toBe(false);
    },
  );
});

import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allActivity,
  call,
  local,
  mailsOnceIdle,
  newApprover,
  signIn,
  stack,
  technicianToken,
  ticketBody,
  unique,
  waitForMails,
} from '../support/api.js';

/** API.md, "Approvals you can prove": the three attacks of issue 15, each now harmless. */
const HASH = /^sha256:[0-9a-f]{64}$/;
const respond = (requestId: string, token: string, body: Record<string, unknown>) =>
  call('POST', `/portal/approvals/${requestId}/responses`, { token, body });
const view = (requestId: string, token: string) => call('GET', `/portal/approvals/${requestId}`, { token });

async function loginOf(email: string) {
  const { cognito } = stack;
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: local().cognito.userPoolId, Username: email }));
  // By the user's own username: cognito-local matches group members by it, not by the email alias.
  const groups = await cognito.send(
    new AdminListGroupsForUserCommand({ UserPoolId: local().cognito.userPoolId, Username: user.Username ?? email }),
  );
  return { enabled: user.Enabled, groups: (groups.Groups ?? []).map((g) => g.GroupName).sort() };
}

describe('approvals bound to the content approved', () => {
  let technician: string;
  beforeAll(async () => {
    technician = await technicianToken();
  });

  it('makes an approval stale when the technician changes the subject, until the approver approves again', async () => {
    const [alice, bob] = [await newApprover(technician, 'user', { name: 'Alice' }), await newApprover(technician, 'user', { name: 'Bob' })];
    const ticketId = unique('T');
    const body = ticketBody([alice.approverId, bob.approverId], { ticket: { subject: 'Buy 1 laptop (EUR 1,000)' } });
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ content: { version: 1, hash: expect.stringMatching(HASH) }, onContentChange: 'reapprove' });
    const requestId = created.body.id as string;
    const [aliceToken, bobToken] = [await alice.token(), await bob.token()];

    const shown = await view(requestId, aliceToken);
    expect(shown.body.content).toEqual(created.body.content);
    const approved = await respond(requestId, aliceToken, { decision: 'approve', contentHash: shown.body.content.hash });
    expect(approved).toMatchObject({ status: 200, body: { status: 'partially_approved', you: { status: 'approved' } } });
    await waitForMails(alice.email, 1);

    const changed = await call('PUT', `/tickets/${ticketId}`, {
      token: technician,
      body: { ...body.ticket, subject: 'Buy 100 laptops (EUR 100,000)' },
    });
    expect(changed).toMatchObject({ status: 200, body: { subject: 'Buy 100 laptops (EUR 100,000)', approvalStatus: 'pending' } });

    // Bob answers what he is shown now; Alice's approval of the 1-laptop subject no longer counts.
    const bobView = await view(requestId, bobToken);
    expect(bobView.body).toMatchObject({ ticket: { subject: 'Buy 100 laptops (EUR 100,000)' }, content: { version: 2 } });
    expect(bobView.body.content.hash).not.toBe(created.body.content.hash);
    const bobApproved = await respond(requestId, bobToken, { decision: 'approve', contentHash: bobView.body.content.hash });
    expect(bobApproved.body.status).toBe('partially_approved');

    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body.status).toBe('partially_approved');
    const aliceEntry = tab.body.recipients.find((r: { approverId: string }) => r.approverId === alice.approverId);
    expect(aliceEntry).toMatchObject({
      status: 'pending',
      respondedAt: null,
      staleApproval: { at: approved.body.you.respondedAt, contentHash: created.body.content.hash },
    });
    const bobEntry = tab.body.recipients.find((r: { approverId: string }) => r.approverId === bob.approverId);
    expect(bobEntry).toMatchObject({
      status: 'approved',
      contentHash: bobView.body.content.hash,
      signedInAs: { sub: expect.any(String), email: bob.email },
      authTime: expect.any(String),
    });

    // Alice is told, with what changed.
    const mails = await waitForMails(alice.email, 2);
    const mail = mails.at(-1)!;
    expect(mail.subject).toContain('Changed, approve again');
    expect(mail.body.text).toContain('Buy 1 laptop (EUR 1,000) → Buy 100 laptops (EUR 100,000)');

    // An answer on the old content is refused; on the new one it counts.
    const stale = await respond(requestId, aliceToken, { decision: 'approve', contentHash: created.body.content.hash });
    expect(stale).toMatchObject({
      status: 409,
      body: { error: { code: 'content_changed', details: { current: bobView.body.content.hash } } },
    });
    const again = await respond(requestId, aliceToken, { decision: 'approve', contentHash: bobView.body.content.hash });
    expect(again).toMatchObject({
      status: 200,
      body: { status: 'approved', you: { status: 'approved', contentHash: bobView.body.content.hash } },
    });

    const log = await allActivity<Record<string, unknown>>(ticketId, technician);
    expect(log.find((e) => e.type === 'content_changed')).toMatchObject({
      from: created.body.content,
      to: bobView.body.content,
      changes: [{ field: 'ticket.subject', before: 'Buy 1 laptop (EUR 1,000)', after: 'Buy 100 laptops (EUR 100,000)' }],
      stale: [{ approverId: alice.approverId, name: 'Alice' }],
    });
    const answers = log.filter((e) => e.type === 'response_recorded');
    expect(answers.map((e) => e.contentHash)).toEqual([created.body.content.hash, bobView.body.content.hash, bobView.body.content.hash]);
    expect(answers[2]).toMatchObject({ signedInAs: { email: alice.email } });

    // A closed request never changes again.
    await call('PUT', `/tickets/${ticketId}`, { token: technician, body: { ...body.ticket, subject: 'Buy 1000 laptops' } });
    const closed = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(closed.body).toMatchObject({ status: 'approved', content: bobView.body.content });
  });

  it('keeps approvals on a change when the request was made with onContentChange "keep"', async () => {
    const [alice, bob] = [await newApprover(technician), await newApprover(technician)];
    const ticketId = unique('T');
    const body = ticketBody([alice.approverId, bob.approverId], { onContentChange: 'keep' });
    const created = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body });
    await respond(created.body.id, await alice.token(), { decision: 'approve' });
    await call('PUT', `/tickets/${ticketId}`, { token: technician, body: { ...body.ticket, subject: 'Another subject' } });
    const tab = await call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    expect(tab.body).toMatchObject({ status: 'partially_approved', content: { version: 2 } });
    // Recipients added at the same time are listed by name: find Alice by her id.
    const aliceEntry = tab.body.recipients.find((r: { approverId: string }) => r.approverId === alice.approverId);
    expect(aliceEntry).toMatchObject({ status: 'approved', staleApproval: null, contentHash: created.body.content.hash });
    expect(await mailsOnceIdle(alice.email)).toHaveLength(1);
  });
});

describe('who may see and answer a request', () => {
  it('does not hand an approver id re-listed with another email its earlier requests (404)', async () => {
    const technician = await technicianToken();
    const alice = await newApprover(technician);
    const { requestId } = await stack.openRequest(technician, [alice.approverId]);
    expect((await view(requestId, await alice.token())).status).toBe(200);

    expect((await call('DELETE', `/directory/approvers/${alice.approverId}`, { token: technician })).status).toBe(204);
    const carolEmail = `${unique('carol')}@test.example`;
    const relisted = await call('PUT', `/directory/approvers/${alice.approverId}`, {
      token: technician,
      body: { kind: 'user', email: carolEmail, name: 'Carol' },
    });
    expect(relisted.status).toBe(201);
    await stack.cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: local().cognito.userPoolId,
        Username: carolEmail,
        Password: alice.password,
        Permanent: true,
      }),
    );
    const carol = await signIn(carolEmail, alice.password);

    expect((await view(requestId, carol)).status).toBe(404);
    expect((await respond(requestId, carol, { decision: 'approve' })).status).toBe(404);
    const mine = await call('GET', '/portal/approvals', { token: carol });
    expect(mine.body.approvals.map((a: { requestId: string }) => a.requestId)).not.toContain(requestId);
    // A new request to the id is Carol's.
    const { requestId: fresh } = await stack.openRequest(technician, [alice.approverId]);
    expect((await view(fresh, carol)).status).toBe(200);
  });

  it("refuses a technician's email for an approver (409 email_in_use) and leaves the technician's login alone", async () => {
    const technician = await technicianToken();
    const techEmail = local().demo.technician.email;
    const before = await loginOf(techEmail);
    const reply = await call('PUT', `/directory/approvers/${unique('u')}`, {
      token: technician,
      body: { kind: 'user', email: techEmail, name: 'Tess' },
    });
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 409, code: 'email_in_use' });
    expect(await loginOf(techEmail)).toEqual(before);
    expect(before).toMatchObject({ enabled: true, groups: ['technicians'] });
    expect(await technicianToken()).toEqual(expect.any(String));
  });

  it('never disables a login that is in another group when delisting', async () => {
    const technician = await technicianToken();
    const dual = await newApprover(technician);
    await stack.cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: local().cognito.userPoolId, Username: dual.email, GroupName: 'technicians' }),
    );
    expect((await call('DELETE', `/directory/approvers/${dual.approverId}`, { token: technician })).status).toBe(204);
    expect(await loginOf(dual.email)).toEqual({ enabled: true, groups: ['technicians'] });
    // An approver's own login is still disabled at the delisting.
    const plain = await newApprover(technician);
    expect((await call('DELETE', `/directory/approvers/${plain.approverId}`, { token: technician })).status).toBe(204);
    expect((await loginOf(plain.email)).enabled).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { call, local, newApprover, technicianToken, ticketBody, unique, waitForMails } from '../support/api.js';

describe('the request mail', () => {
  it('sets Reply-To to the technician who asked, so a reply reaches a person', async () => {
    const technician = await technicianToken();
    const approver = await newApprover(technician);
    const created = await call('POST', `/tickets/${unique('T')}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    expect(created.status).toBe(201);
    const [mail] = await waitForMails(approver.email, 1);
    expect((mail as unknown as { replyTo: string[] }).replyTo).toEqual([local().demo.technician.email]);
  });

  it("names the technician by the account's name, not its email, in the mail and the portal", async () => {
    const { name, email } = local().demo.technician;
    const technician = await technicianToken();
    const approver = await newApprover(technician);
    const created = await call('POST', `/tickets/${unique('T')}/approval`, { token: technician, body: ticketBody([approver.approverId]) });
    expect(created.status).toBe(201);
    expect(created.body.requestedBy.name).toBe(name);

    const [mail] = await waitForMails(approver.email, 1);
    expect(mail?.body.text).toContain(name);
    expect(mail?.body.html).toContain(name);
    expect(mail?.body.text).not.toContain(email);

    const seen = await call('GET', `/portal/approvals/${created.body.id}`, { token: await approver.token() });
    expect(seen.status).toBe(200);
    expect(seen.body.requestedBy).toEqual({ name, email });
    const mine = await call('GET', '/portal/approvals', { token: await approver.token() });
    expect(mine.body.approvals.find((item: { requestId: string }) => item.requestId === created.body.id)?.requestedBy.name).toBe(name);
  });
});

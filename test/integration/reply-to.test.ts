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
});

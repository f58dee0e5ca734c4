import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../../../tools/api-client.js';
import { type TicketSnapshot, ticketBody } from '../../../tools/request-body.js';
import { actionLink, waitForMail } from './mailbox.js';

/** A ticket no other test uses: its id, and a number that finds its mail. */
export function uniqueTicket(): { ticketId: string; number: string } {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  return { ticketId: `e2e-${suffix}`, number: `${Date.now() % 100_000}${Math.floor(Math.random() * 900 + 100)}` };
}

export type TicketInput = Partial<TicketSnapshot> & { number: string };

/** The ticket the e2e tests show in the portal, unless a test says otherwise. */
export const E2E_TICKET: Omit<TicketSnapshot, 'number'> = {
  subject: 'Replace the broken laptop of the finance assistant',
  requester: { name: 'Rita Requester', email: 'rita.requester@example.com' },
  conversation: [
    {
      author: 'Rita Requester',
      body: 'My laptop does not start any more since this morning. I need it for the month-end closing on Friday.',
      at: '2026-03-10T08:12:00Z',
    },
    {
      author: 'Tess Technician',
      body: 'The mainboard is damaged; a repair would cost more than a new device. I suggest the standard model (14", 16 GB), 1,150 EUR.',
      at: '2026-03-10T15:04:00Z',
    },
  ],
};

interface ApprovalInput {
  ticketId: string;
  ticket: TicketInput;
  recipients: string[];
  message?: string | null;
  policy?: { type: 'all' } | { type: 'any' } | { type: 'quorum'; count: number };
  /** Further create fields (requireDeclineReason, deadline, …), passed as given. */
  extra?: Record<string, unknown>;
}

interface Recipient {
  approverId: string;
  email: string;
}

/** The helpdesk side of a test: the demo technician, calling the API like the helpdesk does. */
export class Helpdesk {
  private constructor(
    readonly api: ApiClient,
    private readonly token: string,
  ) {}

  static async signIn(api: ApiClient): Promise<Helpdesk> {
    return new Helpdesk(api, await api.technicianToken(api.info.cognito.helpdeskClientId));
  }

  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of any shape
  call<T = any>(method: string, path: string, body?: unknown) {
    return this.api.call<T>(method, path, { token: this.token, body });
  }

  async requestApproval(input: ApprovalInput) {
    const response = await this.call(
      'POST',
      `/tickets/${input.ticketId}/approval`,
      ticketBody(input.recipients, {
        message: input.message === undefined ? 'Please approve the replacement so that we can order it today.' : input.message,
        ...(input.policy ? { policy: input.policy } : {}),
        ticket: { ...E2E_TICKET, ...input.ticket },
        ...input.extra,
      }),
    );
    if (response.status !== 201) throw new Error(`creating the request failed: ${response.status} ${response.text}`);
    return response.body as { id: string; status: string; recipients: { approverId: string; status: string }[] };
  }

  /** Requests approval on a fresh ticket (see uniqueTicket) with this subject or other ticket fields. */
  async requestOnNewTicket(input: Omit<ApprovalInput, 'ticketId' | 'ticket'> & { ticket?: Omit<TicketInput, 'number'> }) {
    const { ticketId, number } = uniqueTicket();
    const request = await this.requestApproval({ ...input, ticketId, ticket: { number, ...input.ticket } });
    return { ticketId, number, request };
  }

  /** Asks one approver on a fresh ticket and waits for their mail; `link` gives its action links. */
  async ask(approver: Recipient, ticket: Omit<TicketInput, 'number'> = {}, message?: string) {
    const { ticketId, number, request } = await this.requestOnNewTicket({
      ticket,
      recipients: [approver.approverId],
      ...(message ? { message } : {}),
    });
    const mail = await waitForMail(this.api.info, approver.email, number);
    return { ticketId, number, request, mail, link: (action: Parameters<typeof actionLink>[1]) => actionLink(mail, action) };
  }

  async approval(ticketId: string) {
    const response = await this.call('GET', `/tickets/${ticketId}/approval`);
    if (response.status !== 200) throw new Error(`GET approval failed: ${response.status} ${response.text}`);
    return response.body as {
      id: string;
      status: string;
      recipients: { approverId: string; status: string; respondedAt: string | null; feedback: { body: string; at: string }[] }[];
    };
  }

  async activity(ticketId: string) {
    const response = await this.call('GET', `/tickets/${ticketId}/activity`);
    if (response.status !== 200) throw new Error(`GET activity failed: ${response.status}`);
    return (response.body as { activity: { type: string; approverId?: string; [key: string]: unknown }[] }).activity;
  }

  /** Lists a new approver; Cognito creates their login with a temporary password, unless one is given. */
  addApprover(kind: 'user' | 'contact', name: string, password: string | null = null) {
    return this.api.newApprover(this.token, kind, { prefix: `e2e-${kind}`, name, password });
  }
}

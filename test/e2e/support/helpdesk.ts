import { randomUUID } from 'node:crypto';
import type { LocalInfo } from '../../../local/local-info.js';

interface AuthResult {
  AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken?: string };
  ChallengeName?: string;
}

/** One call to the Cognito JSON API of the local pool, as a browser or the helpdesk makes it. */
export async function cognitoCall<T = AuthResult>(info: LocalInfo, operation: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(info.cognito.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const data = (await response.json()) as T;
  if (!response.ok) throw new Error(`${operation} failed: ${JSON.stringify(data)}`);
  return data;
}

export async function idTokenFor(info: LocalInfo, email: string, password: string, clientId = info.cognito.clientId): Promise<string> {
  const result = await cognitoCall(info, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  const token = result.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`no tokens for ${email}: ${JSON.stringify(result)}`);
  return token;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export async function callApi<T = unknown>(
  info: LocalInfo,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const response = await fetch(`${info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A ticket no other test uses: its id, and a number that finds its mail. */
export function uniqueTicket(): { ticketId: string; number: string } {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  return { ticketId: `e2e-${suffix}`, number: `${Date.now() % 100_000}${Math.floor(Math.random() * 900 + 100)}` };
}

export interface TicketInput {
  number: string;
  subject?: string;
  requester?: { name: string; email: string };
  conversation?: { author: string; body: string; at: string }[];
}

export function ticketSnapshot(input: TicketInput) {
  return {
    number: input.number,
    subject: input.subject ?? 'Replace the broken laptop of the finance assistant',
    requester: input.requester ?? { name: 'Rita Requester', email: 'rita.requester@example.com' },
    conversation: input.conversation ?? [
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
}

/** The helpdesk side of a test: the demo technician, calling the API like the helpdesk does. */
export class Helpdesk {
  private constructor(
    readonly info: LocalInfo,
    private readonly token: string,
  ) {}

  static async signIn(info: LocalInfo): Promise<Helpdesk> {
    const { email, password } = info.demo.technician;
    return new Helpdesk(info, await idTokenFor(info, email, password, info.cognito.helpdeskClientId));
  }

  call<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    return callApi<T>(this.info, this.token, method, path, body);
  }

  async requestApproval(input: {
    ticketId: string;
    ticket: TicketInput;
    recipients: string[];
    message?: string | null;
    policy?: { type: 'all' } | { type: 'any' } | { type: 'quorum'; count: number };
    /** Further create fields (requireDeclineReason, deadline, …), passed as given. */
    extra?: Record<string, unknown>;
  }) {
    const response = await this.call('POST', `/tickets/${input.ticketId}/approval`, {
      recipients: input.recipients,
      message: input.message === undefined ? 'Please approve the replacement so that we can order it today.' : input.message,
      ...(input.policy ? { policy: input.policy } : {}),
      ticket: ticketSnapshot(input.ticket),
      ...input.extra,
    });
    if (response.status !== 201) throw new Error(`creating the request failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string; status: string; recipients: { approverId: string; status: string }[] };
  }

  async approval(ticketId: string) {
    const response = await this.call('GET', `/tickets/${ticketId}/approval`);
    if (response.status !== 200) throw new Error(`GET approval failed: ${response.status} ${JSON.stringify(response.body)}`);
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

  /** Lists a new approver; Cognito creates their login with a temporary password. */
  async addApprover(kind: 'user' | 'contact', name: string): Promise<{ approverId: string; email: string; name: string }> {
    const suffix = randomUUID().slice(0, 8);
    const approverId = `e2e-${kind}-${suffix}`;
    const email = `${approverId}@example.com`;
    const response = await this.call('PUT', `/directory/approvers/${approverId}`, { kind, email, name });
    if (response.status !== 201) throw new Error(`PUT approver failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { approverId, email, name };
  }
}

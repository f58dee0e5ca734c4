/** Calls the local API as the helpdesk and the portal do (copied from test/support/api.ts, without vitest). */
import { randomUUID } from 'node:crypto';
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { LocalInfo } from '../local/local-info.js';
import { LOCAL_CREDENTIALS } from './stack.js';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export class Api {
  readonly cognito: CognitoIdentityProviderClient;

  constructor(readonly info: LocalInfo) {
    this.cognito = new CognitoIdentityProviderClient({
      region: info.region,
      endpoint: info.cognito.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
  }

  /** USER_PASSWORD_AUTH; returns the ID token. */
  async signIn(email: string, password: string): Promise<string> {
    const result = await this.cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: this.info.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const token = result.AuthenticationResult?.IdToken;
    if (!token) throw new Error(`no token for ${email}: ${result.ChallengeName}`);
    return token;
  }

  technicianToken(): Promise<string> {
    const { email, password } = this.info.demo.technician;
    return this.signIn(email, password);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.info.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Lists an approver through the API, gives them a known password and signs them in. */
  async newApprover(technician: string, prefix: string): Promise<BenchApprover> {
    const approverId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const email = `${approverId}@bench.example`;
    const reply = await this.call('PUT', `/directory/approvers/${approverId}`, {
      token: technician,
      body: { kind: 'user', email, name: `Approver ${approverId}` },
    });
    if (reply.status !== 201) throw new Error(`PUT approver: ${reply.status} ${JSON.stringify(reply.body)}`);
    const password = 'Bench-password-1';
    await this.cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId: this.info.cognito.userPoolId, Username: email, Password: password, Permanent: true }),
    );
    return { approverId, email, token: await this.signIn(email, password) };
  }

  /** `count` approvers, a few at a time. */
  async newApprovers(technician: string, count: number, concurrency = 5): Promise<BenchApprover[]> {
    const made: BenchApprover[] = [];
    await eachLimited(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async () => {
        made.push(await this.newApprover(technician, 'bench'));
      },
    );
    return made;
  }

  /** Opens a request on a fresh ticket; returns the ticket id and the public request id. */
  async createRequest(technician: string, approverIds: string[], prefix: string): Promise<{ ticketId: string; requestId: string }> {
    const ticketId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const reply = await this.call('POST', `/tickets/${ticketId}/approval`, {
      token: technician,
      body: ticketBody(approverIds, ticketId),
    });
    if (reply.status !== 201) throw new Error(`create approval: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { ticketId, requestId: reply.body.id as string };
  }
}

export interface BenchApprover {
  approverId: string;
  email: string;
  token: string;
}

export function ticketBody(recipients: string[], ticketId: string) {
  return {
    recipients,
    policy: { type: 'all' },
    message: 'Please approve the new laptop.',
    ticket: {
      number: ticketId,
      subject: 'New laptop for Rita',
      requester: { name: 'Rita Requester', email: 'rita@example.com' },
      conversation: [{ author: 'Rita Requester', body: 'My laptop broke.', at: '2026-11-24T09:00:00Z' }],
    },
  };
}

/** The claims of a JWT (not verified: the gateway did that). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { inject } from 'vitest';
import { assertMatchesContract } from '../../tools/contract.js';
import { stackClient } from './stack-client.js';

export { ticketBody, unique } from './fixtures.js';

export const local = () => inject('local');

const cognito = () =>
  new CognitoIdentityProviderClient({
    region: local().region,
    endpoint: local().cognito.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

// biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies field by field; each assertion checks the shape it reads.
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Signs in with USER_PASSWORD_AUTH, as the helpdesk and the portal do; returns the ID token. */
export async function signIn(email: string, password: string, kind: 'id' | 'access' = 'id'): Promise<string> {
  const result = await cognito().send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: local().cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const token = kind === 'id' ? result.AuthenticationResult?.IdToken : result.AuthenticationResult?.AccessToken;
  if (!token) throw new Error(`no token for ${email}: ${result.ChallengeName}`);
  return token;
}

export async function technicianToken(): Promise<string> {
  const { email, password } = local().demo.technician;
  return signIn(email, password);
}

// biome-ignore lint/suspicious/noExplicitAny: as Reply above.
export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${local().apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const reply = { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  assertMatchesContract(method, path, reply.status, reply.body);
  return reply;
}

export interface TestApprover {
  approverId: string;
  kind: 'user' | 'contact';
  email: string;
  name: string;
  password: string;
  token: () => Promise<string>;
}

/** Lists a fresh approver through the API and gives them a known password. */
export async function newApprover(technician: string, kind: 'user' | 'contact' = 'user'): Promise<TestApprover> {
  return stackClient(local()).newApprover(technician, kind);
}

export interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export async function mailsTo(email: string): Promise<StoredMail[]> {
  const store = (await (await fetch(local().ses.storeUrl)).json()) as { emails: StoredMail[] };
  return store.emails.filter((m) => m.destination.to.includes(email));
}

/** Waits until `count` mails reached `email` (the mailer runs off the table's stream). */
export async function waitForMails(email: string, count: number, timeoutMs = 15_000): Promise<StoredMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(email);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 100));
  }
}

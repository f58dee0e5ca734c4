/**
 * The one client of a local stack, for tests and the benchmark (no vitest here): calls the API
 * as the helpdesk and the portal do, signs in, lists approvers, opens requests, reads the mailbox
 * and the table, and waits for the stack to be idle. Bound to the stack it is given, the shared
 * one of a test run (test/support/api.ts) or one started on purpose.
 */
import { request as httpRequest } from 'node:http';
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_IDLE_PATH } from '../local/activity.js';
import type { LocalInfo } from '../local/local-info.js';
import { LOCAL_CREDENTIALS } from './local-stack-process.js';
import { type MailMatch, storedMails, waitForMails } from './mailbox.js';
import { ticketBody, unique } from './request-body.js';
import { dumpTable } from './table-dump.js';

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON of any shape; each caller reads what it expects
export interface Reply<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A reply to `raw`: the headers as node:http gives them. */
// biome-ignore lint/suspicious/noExplicitAny: as in Reply
export interface RawReply<T = any> extends Omit<Reply<T>, 'headers'> {
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON; a string or Buffer is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApprover {
  approverId: string;
  kind: 'user' | 'contact';
  email: string;
  name: string;
  password: string;
  token: () => Promise<string>;
}

export const APPROVER_PASSWORD = 'Test-password-1';

const parse = (text: string) => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

function payloadOf(options: CallOptions): { headers: Record<string, string>; payload: Buffer | undefined } {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (typeof options.body === 'string') payload = Buffer.from(options.body, 'utf8');
  else if (Buffer.isBuffer(options.body)) payload = options.body;
  else if (options.body !== undefined) payload = Buffer.from(JSON.stringify(options.body), 'utf8');
  if (payload) headers['content-type'] ??= 'application/json';
  return { headers, payload };
}

export function createApiClient(info: LocalInfo) {
  const region = info.region;
  const credentials = LOCAL_CREDENTIALS;
  const cognito = new CognitoIdentityProviderClient({ region, endpoint: info.cognito.endpoint, credentials });
  const dynamodb = new DynamoDBClient({ region, endpoint: info.dynamodb.endpoint, credentials });
  const api = new URL(info.apiUrl);

  /** USER_PASSWORD_AUTH, as the helpdesk and the portal do; the ID token unless told otherwise. */
  async function signIn(email: string, password: string, kind: 'id' | 'access' = 'id', clientId = info.cognito.clientId): Promise<string> {
    const result = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const tokens = result.AuthenticationResult;
    const token = kind === 'access' ? tokens?.AccessToken : tokens?.IdToken;
    if (!token) throw new Error(`no token for ${email}: ${result.ChallengeName}`);
    return token;
  }

  const technicianToken = (clientId?: string) => signIn(info.demo.technician.email, info.demo.technician.password, 'id', clientId);

  /** One API call with fetch (keep-alive, as a browser or the helpdesk makes it). */
  // biome-ignore lint/suspicious/noExplicitAny: as in Reply
  async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
    const { headers, payload } = payloadOf(options);
    const response = await fetch(`${info.apiUrl}${path}`, { method, headers, ...(payload ? { body: new Uint8Array(payload) } : {}) });
    const text = await response.text();
    return { status: response.status, text, body: parse(text), headers: response.headers };
  }

  /** One request with node:http, so the path goes out exactly as given (fetch would resolve `..` and `%2e%2e` and re-encode). */
  function raw(method: string, path: string, options: CallOptions = {}): Promise<RawReply> {
    const { headers, payload } = payloadOf(options);
    if (payload) headers['content-length'] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: api.hostname, port: api.port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, body: parse(text), headers: res.headers });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Lists a fresh approver through the API and, unless `password` is null (a newcomer who has
   * only Cognito's temporary password), gives them a known one.
   */
  async function newApprover(
    technician: string,
    kind: 'user' | 'contact' = 'user',
    options: { prefix?: string; name?: string; password?: string | null } = {},
  ): Promise<TestApprover> {
    const approverId = unique(options.prefix ?? (kind === 'user' ? 'u' : 'c'));
    const email = `${approverId}@test.example`;
    const name = options.name ?? `Approver ${approverId}`;
    const reply = await call('PUT', `/directory/approvers/${approverId}`, { token: technician, body: { kind, email, name } });
    if (reply.status !== 201) throw new Error(`PUT approver: ${reply.status} ${reply.text}`);
    const password = options.password === undefined ? APPROVER_PASSWORD : options.password;
    if (password !== null) {
      await cognito.send(
        new AdminSetUserPasswordCommand({ UserPoolId: info.cognito.userPoolId, Username: email, Password: password, Permanent: true }),
      );
    }
    const token = () => (password === null ? Promise.reject(new Error(`${email} has only a temporary password`)) : signIn(email, password));
    return { approverId, kind, email, name, password: password ?? '', token };
  }

  /** Opens a request on a fresh ticket (or the one named); returns the ticket id and the request. */
  async function openRequest(
    technician: string,
    recipients: string[],
    extra: Parameters<typeof ticketBody>[1] = {},
    ticketId = unique('T'),
  ) {
    const reply = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(recipients, extra) });
    if (reply.status !== 201) throw new Error(`POST approval: ${reply.status} ${reply.text}`);
    return { ticketId, requestId: reply.body.id as string, request: reply.body };
  }

  /**
   * Waits until the stack has finished what it was doing: requests in flight answered, the sweep
   * in flight done, and the mailer caught up with the table's stream (local/activity.ts).
   */
  async function waitForIdle(timeoutMs = 60_000): Promise<void> {
    const response = await fetch(`${info.apiUrl}${LOCAL_IDLE_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${LOCAL_IDLE_PATH} answered ${response.status}`);
  }

  return {
    info,
    cognito,
    dynamodb,
    signIn,
    technicianToken,
    call,
    raw,
    newApprover,
    openRequest,
    waitForIdle,
    /** Every item of the stack's table (see table-dump.ts). */
    dumpTable: () => dumpTable(dynamodb, info.dynamodb.tableName),
    mails: (match?: MailMatch) => storedMails(info, match),
    waitForMails: (match: MailMatch, count: number, options?: Parameters<typeof waitForMails>[3]) =>
      waitForMails(info, match, count, options),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

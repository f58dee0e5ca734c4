import { request as httpRequest } from 'node:http';
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalInfo } from '../../local/local-info.js';
import { assertMatchesContract } from '../../tools/contract.js';
import { ticketBody, unique } from './fixtures.js';

/**
 * The helpers of api.ts, bound to a given stack (the shared one from inject('local') or a private
 * one a test file starts for itself), plus a raw request that sends the path byte for byte and a
 * test-only dump of the whole table.
 */
export interface RawReply {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of any shape, as in api.ts
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export function stackClient(info: LocalInfo) {
  const cognito = new CognitoIdentityProviderClient({
    region: info.region,
    endpoint: info.cognito.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const dynamo = new DynamoDBClient({
    region: info.region,
    endpoint: info.dynamodb.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const api = new URL(info.apiUrl);

  async function signIn(email: string, password: string): Promise<string> {
    const result = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: info.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const token = result.AuthenticationResult?.IdToken;
    if (!token) throw new Error(`no token for ${email}: ${result.ChallengeName}`);
    return token;
  }

  /**
   * One request with node:http, so the path goes out exactly as given (fetch would resolve `..`
   * and `%2e%2e` and re-encode). `body` is sent as is when it is a string or Buffer, else as JSON.
   */
  function raw(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<RawReply> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: Buffer | undefined;
    if (typeof options.body === 'string') payload = Buffer.from(options.body, 'utf8');
    else if (Buffer.isBuffer(options.body)) payload = options.body;
    else if (options.body !== undefined) payload = Buffer.from(JSON.stringify(options.body), 'utf8');
    if (payload) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: api.hostname, port: api.port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          try {
            // Every reply must be what the published contract says (a reply to no route passes unchecked).
            assertMatchesContract(method, path, status, body ?? (text === '' ? undefined : text));
          } catch (error) {
            reject(error);
            return;
          }
          resolve({ status, text, body, headers: res.headers });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  const call = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    raw(method, path, options);

  async function technicianToken(): Promise<string> {
    return signIn(info.demo.technician.email, info.demo.technician.password);
  }

  /** Lists a fresh approver through the API and gives them a known password. */
  async function newApprover(technician: string, kind: 'user' | 'contact' = 'user', prefix = kind === 'user' ? 'u' : 'c') {
    const approverId = unique(prefix);
    const email = `${approverId}@test.example`;
    const name = `Approver ${approverId}`;
    const reply = await call('PUT', `/directory/approvers/${approverId}`, { token: technician, body: { kind, email, name } });
    if (reply.status !== 201) throw new Error(`PUT approver: ${reply.status} ${reply.text}`);
    const password = 'Test-password-1';
    await cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId: info.cognito.userPoolId, Username: email, Password: password, Permanent: true }),
    );
    return { approverId, kind, email, name, password, token: () => signIn(email, password) };
  }

  /** Opens a request on a fresh ticket; returns the ticket id and the request. */
  async function openRequest(technician: string, recipients: string[], extra: Record<string, unknown> = {}) {
    const ticketId = unique('T');
    const reply = await call('POST', `/tickets/${ticketId}/approval`, { token: technician, body: ticketBody(recipients, extra) });
    if (reply.status !== 201) throw new Error(`POST approval: ${reply.status} ${reply.text}`);
    return { ticketId, requestId: reply.body.id as string, request: reply.body };
  }

  /**
   * Test only: every item of the table, each as canonical JSON (keys sorted), sorted. A Scan is
   * fine here; the service never scans.
   */
  async function dumpTable(): Promise<string[]> {
    const items: string[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: info.dynamodb.tableName, ConsistentRead: true, ExclusiveStartKey }));
      for (const item of page.Items ?? []) items.push(canonical(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.sort();
  }

  /** Dumps the table until two dumps `gapMs` apart are equal: the mailer and sweeper are done. */
  async function quietTable(gapMs = 1500, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let previous = await dumpTable();
    for (;;) {
      await new Promise((r) => setTimeout(r, gapMs));
      const next = await dumpTable();
      if (sameDump(previous, next)) return next;
      if (Date.now() > deadline) throw new Error('the table did not settle');
      previous = next;
    }
  }

  return { info, cognito, signIn, raw, call, technicianToken, newApprover, openRequest, dumpTable, quietTable };
}

export type StackClient = ReturnType<typeof stackClient>;

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v instanceof Uint8Array
        ? { $binary: Buffer.from(v).toString('base64') }
        : v,
  );
}

export function sameDump(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** What changed between two dumps, for a readable failure. */
export function dumpDiff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return { added: after.filter((i) => !was.has(i)), removed: before.filter((i) => !is.has(i)) };
}

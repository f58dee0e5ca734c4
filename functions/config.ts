/**
 * The only reader of process.env. Values are read once, on first use, and a missing one throws
 * at once with its name, so a misconfigured function fails on its first call, not halfway.
 * Local and AWS differ only by these values (the emulator endpoints are set locally only).
 */
import { ENV } from './shared/env.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function optional(name: string): string | undefined {
  return process.env[name] || undefined;
}

function once<T>(read: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: read() };
    return value.v;
  };
}

// Each setting is an export of its own, read as `config.name()` through `import * as config`:
// esbuild then bundles only the settings a handler reads (one object of all of them put every
// setting, webhook and mail ones included, into every handler).
export const region = /* @__PURE__ */ once(() => optional(ENV.region) ?? 'us-east-1');
export const tableName = /* @__PURE__ */ once(() => required(ENV.tableName));
export const dynamodbEndpoint = /* @__PURE__ */ once(() => optional(ENV.dynamodbEndpoint));
export const sesEndpoint = /* @__PURE__ */ once(() => optional(ENV.sesEndpoint));
export const mailSenders = /* @__PURE__ */ once(() => Math.max(1, Number(optional(ENV.mailSenders) ?? 1) || 1));
export const cognitoEndpoint = /* @__PURE__ */ once(() => optional(ENV.cognitoEndpoint));
export const userPoolId = /* @__PURE__ */ once(() => required(ENV.userPoolId));
export const portalClientId = /* @__PURE__ */ once(() => required(ENV.portalClientId));
/** Public URL of the portal, ending in `/`; mail links point below it. */
export const portalUrl = /* @__PURE__ */ once(() => required(ENV.portalUrl));
export const mailFrom = /* @__PURE__ */ once(() => required(ENV.mailFrom));
/** SES configuration set that records bounces and complaints (AWS only). */
export const sesConfigurationSet = /* @__PURE__ */ once(() => optional(ENV.sesConfigurationSet));
/** KMS key that encrypts webhook secrets (AWS); without it, the local key file below. */
export const webhookKeyId = /* @__PURE__ */ once(() => optional(ENV.webhookKeyId));
/** Locally: a file with the 32-byte key that encrypts webhook secrets (in the state folder). */
export const webhookKeyFile = /* @__PURE__ */ once(() => optional(ENV.webhookKeyFile));
/** The local stack also allows webhook URLs on loopback, over http too (never set in AWS). */
export const webhookAllowLoopback = /* @__PURE__ */ once(() => optional(ENV.webhookAllowLoopback) === 'true');
/** Delays between delivery attempts, seconds, comma-separated; the domain's default otherwise. */
export const webhookRetrySchedule = /* @__PURE__ */ once(() => optional(ENV.webhookRetrySchedule)?.split(',').map(Number));
/** How long a receiver may take to answer (API.md: 10 s). */
export const webhookTimeoutMs = /* @__PURE__ */ once(() => Number(optional(ENV.webhookTimeoutMs) ?? 10_000));
/** The EventBridge bus every event is also put on (AWS only). */
export const eventBusName = /* @__PURE__ */ once(() => optional(ENV.eventBusName));
/** The KMS keys that sign receipts (AWS), comma-separated: the current one first, then retired ones. */
export const receiptKeyIds = /* @__PURE__ */ once(() =>
  optional(ENV.receiptKeyIds)
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean),
);
/** Locally: the file of P-256 keys that sign receipts (in the state folder; local-signer.ts). */
export const receiptKeyFile = /* @__PURE__ */ once(() => optional(ENV.receiptKeyFile));

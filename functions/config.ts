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

export const config = {
  region: once(() => optional(ENV.region) ?? 'us-east-1'),
  tableName: once(() => required(ENV.tableName)),
  dynamodbEndpoint: once(() => optional(ENV.dynamodbEndpoint)),
  sesEndpoint: once(() => optional(ENV.sesEndpoint)),
  cognitoEndpoint: once(() => optional(ENV.cognitoEndpoint)),
  userPoolId: once(() => required(ENV.userPoolId)),
  portalClientId: once(() => required(ENV.portalClientId)),
  /** Public URL of the portal, ending in `/`; mail links point below it. */
  portalUrl: once(() => required(ENV.portalUrl)),
  mailFrom: once(() => required(ENV.mailFrom)),
  /** SES configuration set that records bounces and complaints (AWS only). */
  sesConfigurationSet: once(() => optional(ENV.sesConfigurationSet)),
  /** KMS key that encrypts webhook secrets (AWS); without it, the local key file below. */
  webhookKeyId: once(() => optional(ENV.webhookKeyId)),
  /** Locally: a file with the 32-byte key that encrypts webhook secrets (in the state folder). */
  webhookKeyFile: once(() => optional(ENV.webhookKeyFile)),
  /** The local stack also allows webhook URLs on loopback, over http too (never set in AWS). */
  webhookAllowLoopback: once(() => optional(ENV.webhookAllowLoopback) === 'true'),
  /** Delays between delivery attempts, seconds, comma-separated; the domain's default otherwise. */
  webhookRetrySchedule: once(() => optional(ENV.webhookRetrySchedule)?.split(',').map(Number)),
  /** How long a receiver may take to answer (API.md: 10 s). */
  webhookTimeoutMs: once(() => Number(optional(ENV.webhookTimeoutMs) ?? 10_000)),
  /** The EventBridge bus every event is also put on (AWS only). */
  eventBusName: once(() => optional(ENV.eventBusName)),
} as const;

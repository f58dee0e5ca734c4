/**
 * The only reader of process.env. Values are read once, on first use, and a missing one throws
 * at once with its name, so a misconfigured function fails on its first call, not halfway.
 * Local and AWS differ only by these values (the emulator endpoints are set locally only).
 */
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
  region: once(() => optional('AWS_REGION') ?? 'us-east-1'),
  tableName: once(() => required('TABLE_NAME')),
  dynamodbEndpoint: once(() => optional('DYNAMODB_ENDPOINT')),
  sesEndpoint: once(() => optional('SES_ENDPOINT')),
  cognitoEndpoint: once(() => optional('COGNITO_ENDPOINT')),
  userPoolId: once(() => required('USER_POOL_ID')),
  portalClientId: once(() => required('PORTAL_CLIENT_ID')),
  /** Public URL of the portal, ending in `/`; mail links point below it. */
  portalUrl: once(() => required('PORTAL_URL')),
  mailFrom: once(() => required('MAIL_FROM')),
  /** SES configuration set that records bounces and complaints (AWS only). */
  sesConfigurationSet: once(() => optional('SES_CONFIGURATION_SET')),
  /** KMS key that encrypts webhook secrets (AWS); without it, the local key file below. */
  webhookKeyId: once(() => optional('WEBHOOK_KEY_ID')),
  /** Locally: a file with the 32-byte key that encrypts webhook secrets (in the state folder). */
  webhookKeyFile: once(() => optional('WEBHOOK_KEY_FILE')),
  /** The local stack also allows webhook URLs on loopback, over http too (never set in AWS). */
  webhookAllowLoopback: once(() => optional('WEBHOOK_ALLOW_LOOPBACK') === 'true'),
  /** Delays between delivery attempts, seconds, comma-separated; the domain's default otherwise. */
  webhookRetrySchedule: once(() => optional('WEBHOOK_RETRY_SCHEDULE')?.split(',').map(Number)),
  /** How long a receiver may take to answer (API.md: 10 s). */
  webhookTimeoutMs: once(() => Number(optional('WEBHOOK_TIMEOUT_MS') ?? 10_000)),
  /** The EventBridge bus every event is also put on (AWS only). */
  eventBusName: once(() => optional('EVENT_BUS_NAME')),
} as const;

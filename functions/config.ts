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
} as const;

/**
 * The environment variables a handler reads (functions/config.ts, the only reader), named once
 * for the CDK stack that sets them per function (lib/handlers.ts) and the local stack that sets
 * them for its in-process handlers (local/stack.ts).
 */
export const ENV = {
  region: 'AWS_REGION',
  tableName: 'TABLE_NAME',
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  sesEndpoint: 'SES_ENDPOINT',
  cognitoEndpoint: 'COGNITO_ENDPOINT',
  userPoolId: 'USER_POOL_ID',
  portalClientId: 'PORTAL_CLIENT_ID',
  portalUrl: 'PORTAL_URL',
  mailFrom: 'MAIL_FROM',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** How many mailer instances may send at once: each paces itself to its share of SES's account rate. */
  mailSenders: 'MAIL_SENDERS',
  webhookKeyId: 'WEBHOOK_KEY_ID',
  webhookKeyFile: 'WEBHOOK_KEY_FILE',
  webhookAllowLoopback: 'WEBHOOK_ALLOW_LOOPBACK',
  webhookRetrySchedule: 'WEBHOOK_RETRY_SCHEDULE',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  eventBusName: 'EVENT_BUS_NAME',
  receiptKeyIds: 'RECEIPT_KEY_IDS',
  receiptKeyFile: 'RECEIPT_KEY_FILE',
} as const;

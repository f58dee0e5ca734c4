import { resolve } from 'node:path';

/** The local stack's settings: ports and folders, each overridable by an environment variable. */
export interface LocalSettings {
  root: string;
  stateDir: string;
  port: number;
  dynamodbPort: number;
  cognitoPort: number;
  sesPort: number;
  /** The local webhook inbox (a receiver of the demo endpoint's deliveries). */
  webhookInboxPort: number;
  /** Keep DynamoDB data on disk (default) or in memory. */
  persist: boolean;
  sweepIntervalMs: number;
  region: string;
  tableName: string;
  mailFrom: string;
}

const num = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);

export function readSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const root = resolve(import.meta.dirname, '..');
  return {
    root,
    stateDir: resolve(root, env.SIGNOFF_STATE_DIR ?? '.signoff'),
    port: num(env.PORT, 3000),
    dynamodbPort: num(env.DYNAMODB_PORT, 8000),
    cognitoPort: num(env.COGNITO_PORT, 9229),
    sesPort: num(env.SES_PORT, 8005),
    webhookInboxPort: num(env.WEBHOOK_INBOX_PORT, 8010),
    persist: env.SIGNOFF_IN_MEMORY !== '1',
    sweepIntervalMs: num(env.SWEEP_INTERVAL_MS, 5000),
    region: 'us-east-1',
    tableName: 'signoff',
    mailFrom: 'Signoff <approvals@signoff.local>',
  };
}

import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never log a token or a full email address (see redact.ts). */
export const logger = new Logger({ serviceName: 'signoff', logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });

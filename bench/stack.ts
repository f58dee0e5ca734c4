/**
 * The benchmark's own local stack: `npm start`'s entry on free ports in a temp folder (DynamoDB
 * in memory), stopped and removed at the end, on error and on Ctrl-C.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { LocalInfo } from '../local/local-info.js';
import { readSettings } from '../local/settings.js';
import { LOCAL_CREDENTIALS, type StackProcess, stackEnv, startStackProcess } from '../tools/local-stack-process.js';

export interface BenchStack {
  info: LocalInfo;
  stateDir: string;
  /** What the Lambda handlers read (functions/config.ts), pointing at this stack. */
  handlerEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const env = { ...(await stackEnv()), SIGNOFF_IN_MEMORY: '1', SWEEP_INTERVAL_MS: '5000' };
  const started = Date.now();
  const stack: StackProcess = await startStackProcess(env);
  console.error(`[bench] local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${cpus().length} cores)`);
  const { info } = stack;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stack.stop().finally(() => rmSync(stack.stateDir, { recursive: true, force: true }));
    return stopped;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: stopping the stack`);
      stop().finally(() => process.exit(130));
    });
  }
  const handlerEnv = {
    TABLE_NAME: info.dynamodb.tableName,
    DYNAMODB_ENDPOINT: info.dynamodb.endpoint,
    COGNITO_ENDPOINT: info.cognito.endpoint,
    SES_ENDPOINT: info.ses.endpoint,
    USER_POOL_ID: info.cognito.userPoolId,
    PORTAL_CLIENT_ID: info.cognito.clientId,
    PORTAL_URL: info.portalUrl,
    MAIL_FROM: readSettings(env).mailFrom,
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  return { info, stateDir: stack.stateDir, handlerEnv, stop };
}

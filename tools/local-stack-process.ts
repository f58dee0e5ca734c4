import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePorts } from '../local/child-process.js';
import type { LocalInfo } from '../local/local-info.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The emulators accept any key, but DynamoDB Local in memory (no -sharedDb) keys its data by access key and region. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface StackProcess {
  info: LocalInfo;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function stackEnv(stateDir = mkdtempSync(join(tmpdir(), 'signoff-test-'))): Promise<NodeJS.ProcessEnv> {
  const [api, dynamodb, cognito, ses, inbox] = (await freePorts(5)).map(String);
  return {
    ...process.env,
    SIGNOFF_STATE_DIR: stateDir,
    PORT: api,
    DYNAMODB_PORT: dynamodb,
    COGNITO_PORT: cognito,
    SES_PORT: ses,
    WEBHOOK_INBOX_PORT: inbox,
    SWEEP_INTERVAL_MS: '1000',
    // Webhook retries in seconds instead of a day, and a short receiver timeout, so the tests
    // can watch a delivery be retried, time out and fail (the schedule is config, not code).
    WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    WEBHOOK_TIMEOUT_MS: '2000',
  };
}

/** Runs `npm start`'s entry exactly as a developer would, on free ports and a fresh folder. */
export async function startStackProcess(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<StackProcess> {
  const stateDir = env.SIGNOFF_STATE_DIR as string;
  const infoFile = join(stateDir, 'local.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(infoFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      throw new Error(`local stack did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as LocalInfo;
    const health = await fetch(`${info.apiUrl}/health`);
    if (health.status !== 200) throw new Error(`health answered ${health.status}`);
    return { info, stateDir, env, child, stop };
  } catch (error) {
    // Whatever went wrong, the stack we started does not outlive this call.
    await stop();
    throw error;
  }
}

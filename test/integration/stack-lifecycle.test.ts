import { type StdioOptions, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type StackProcess, stackEnv, startStackProcess } from '../../tools/local-stack-process.js';
import { emulatorGroups, isAlive } from '../support/emulator-control.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Waits (polling the process table, no fixed sleep) until every pid is gone; false at the deadline. */
async function allGone(pids: number[], timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

async function until<T>(probe: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The process of `npm start` (local/start.ts) with this environment. */
const startProcess = (env: NodeJS.ProcessEnv, stdio: StdioOptions) =>
  spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { cwd: ROOT, env, stdio });

const threeGroups = (stateDir: string) => () => {
  if (!existsSync(join(stateDir, 'emulators.pids'))) return undefined;
  const groups = emulatorGroups(stateDir);
  return groups.length === 3 ? groups : undefined;
};

describe('the local stack’s life cycle', () => {
  const started: StackProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const stack of started) await stack.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  /** The environment of a stack in a new state folder, which is removed after the file. */
  async function newStackEnv() {
    const env = await stackEnv();
    const stateDir = env.SIGNOFF_STATE_DIR as string;
    dirs.push(stateDir);
    return { env, stateDir };
  }

  it('refuses a second start on a running stack’s folder and leaves it alone; killed outright (SIGKILL), it leaves no emulator behind', async () => {
    const { env } = await newStackEnv();
    const first = await startStackProcess(env);
    started.push(first);
    const infoBefore = readFileSync(join(first.stateDir, 'local.json'), 'utf8');

    const second = startProcess(env, ['ignore', 'pipe', 'pipe']);
    let output = '';
    second.stdout?.on('data', (d) => (output += d));
    second.stderr?.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((r) => second.once('exit', r));

    expect(code).toBe(1);
    expect(output).toContain('already running');
    expect(output).toContain(first.info.apiUrl);
    expect(readFileSync(join(first.stateDir, 'local.json'), 'utf8')).toBe(infoBefore);
    expect((await fetch(`${first.info.apiUrl}/health`)).status).toBe(200);

    // Then `npm start` is killed outright: nothing of it may linger.
    const groups = emulatorGroups(first.stateDir);
    expect(groups).toHaveLength(3);
    first.child.kill('SIGKILL');
    expect(await allGone(groups)).toBe(true);
  }, 180_000);

  it('stops the emulators already started when Ctrl-C comes during start-up', async () => {
    const { env, stateDir } = await newStackEnv();
    const child = startProcess(env, 'ignore');
    const exited = new Promise((r) => child.once('exit', r));
    const groups = await until(threeGroups(stateDir));
    expect(existsSync(join(stateDir, 'local.json'))).toBe(false); // still starting
    child.kill('SIGINT');
    await exited;
    expect(await allGone(groups)).toBe(true);
  }, 180_000);

  it('stops itself and its emulators when whoever started it dies', async () => {
    const { env, stateDir } = await newStackEnv();
    // A parent (as a test worker or a terminal's npm would be) that starts the stack, then dies.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const stackPid = Number(await new Promise<string>((r) => parent.stdout?.once('data', (d) => r(String(d)))));
    const groups = await until(threeGroups(stateDir));
    await until(() => (existsSync(join(stateDir, 'local.json')) ? true : undefined));
    parent.kill('SIGKILL');
    expect(await allGone([stackPid, ...groups])).toBe(true);
  }, 180_000);
});

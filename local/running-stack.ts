import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One stack per state folder. `running.json` names the `npm start` process that owns the folder;
 * a second start finds it alive and leaves everything alone. `emulators.pids` lists the
 * emulators' process groups as they are spawned, so that a reaper can stop them if the owner
 * dies without cleaning up (SIGKILL, a crashed test run), and a later start can stop leftovers.
 */
export const RUNNING_FILE = 'running.json';
const PIDS_FILE = 'emulators.pids';

export interface RunningStack {
  pid: number;
  startedAt: string;
  apiUrl?: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readRunning = (stateDir: string): RunningStack | undefined => {
  try {
    return JSON.parse(readFileSync(join(stateDir, RUNNING_FILE), 'utf8')) as RunningStack;
  } catch {
    return undefined;
  }
};

const leftoverGroups = (stateDir: string): number[] => {
  const file = join(stateDir, PIDS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => Number(line.trim().replace(/^-/, '')))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
};

/** The stack that owns this folder, if its process is still alive. */
export function findRunningStack(stateDir: string): RunningStack | undefined {
  const running = readRunning(stateDir);
  return running && running.pid !== process.pid && isAlive(running.pid) ? running : undefined;
}

/**
 * Takes the folder for this process: stops the emulators a dead owner left behind, records this
 * process as the owner, and starts the reaper that stops our emulators should we die abruptly.
 */
export function claimStateDir(stateDir: string): void {
  killRecordedEmulators(stateDir);
  writeFileSync(join(stateDir, PIDS_FILE), '');
  writeFileSync(join(stateDir, RUNNING_FILE), `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
  startReaper(stateDir);
}

/** Kills every emulator group recorded in the folder (a dead owner's, or ours on an abort). */
export function killRecordedEmulators(stateDir: string): void {
  for (const pid of leftoverGroups(stateDir)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Adds an emulator's process group to the list the reaper stops. */
export function recordEmulator(stateDir: string, pid: number): void {
  appendFileSync(join(stateDir, PIDS_FILE), `-${pid}\n`);
}

export function recordApiUrl(stateDir: string, apiUrl: string): void {
  const running = readRunning(stateDir);
  if (running?.pid === process.pid) writeFileSync(join(stateDir, RUNNING_FILE), `${JSON.stringify({ ...running, apiUrl })}\n`);
}

/** After a clean stop: nothing left to reap, and the folder is free. */
export function releaseStateDir(stateDir: string): void {
  if (readRunning(stateDir)?.pid !== process.pid) return;
  rmSync(join(stateDir, PIDS_FILE), { force: true });
  rmSync(join(stateDir, RUNNING_FILE), { force: true });
}

/**
 * A tiny shell outside our process group that waits for us to die and then kills the groups
 * listed in emulators.pids (empty after a clean stop). The emulators run in groups of their own,
 * so nothing else reaches them when we are killed with SIGKILL. It kills only while running.json
 * still names us: after a clean stop a new stack may own the folder (and its pids file) before
 * the reaper wakes, and its emulators are not ours to stop.
 */
function startReaper(stateDir: string): void {
  const owner = `"pid":${process.pid},`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; grep -qF '${owner}' "$2" 2>/dev/null && [ -s "$1" ] && kill -9 $(cat "$1") 2>/dev/null; exit 0`;
  const reaper = spawn('/bin/sh', ['-c', script, 'signoff-reaper', join(stateDir, PIDS_FILE), join(stateDir, RUNNING_FILE)], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

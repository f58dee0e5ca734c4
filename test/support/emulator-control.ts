import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What each emulator's command line contains (Linux /proc), to tell the recorded groups apart. */
const MARKERS = { dynamodb: 'DynamoDBLocal', cognito: 'cognito-local', ses: 'aws-ses-v2-local' } as const;
export type EmulatorName = keyof typeof MARKERS;

/** The process groups a local stack recorded for its emulators (local/running-stack.ts). */
export function emulatorGroups(stateDir: string): number[] {
  return readFileSync(join(stateDir, 'emulators.pids'), 'utf8')
    .split('\n')
    .map((line) => Number(line.trim().replace(/^-/, '')))
    .filter((pid) => pid > 0);
}

const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Kills one emulator of a stack outright (SIGKILL to its group), as a crash would, and waits until it is gone. */
export async function killEmulator(stateDir: string, name: EmulatorName): Promise<void> {
  const pid = emulatorGroups(stateDir).find((p) => commandLine(p).includes(MARKERS[name]));
  if (!pid) throw new Error(`no running ${name} recorded in ${stateDir}`);
  process.kill(-pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
}

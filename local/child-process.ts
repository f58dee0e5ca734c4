import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type ReadinessCheck = { port: number; host?: string } | { url: string };

export interface StartChildOptions {
  /** Short name used in errors, e.g. `dynamodb-local`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
  ready: ReadinessCheck;
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on stop(). */
  graceMs?: number;
  /** Called as soon as the child exists, before it is ready (e.g. to record its process group). */
  onSpawn?: (pid: number) => void;
}

export interface RunningChild {
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<number | NodeJS.Signals>;
  stop(): Promise<void>;
}

export class ChildProcessError extends Error {
  override name = 'ChildProcessError';
}

const LOG_TAIL_BYTES = 4000;

// Children run in their own process group (so stop() reaches grandchildren too), which also
// means a Ctrl-C on the terminal does not reach them; this makes sure they die with us.
const running = new Set<number>();
let exitHookInstalled = false;
const killGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
};
const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
  });
};

/**
 * `count` distinct free ports: each is held until all are chosen, so two calls to the OS cannot
 * hand out the same one (asking one port at a time can, once the first is released).
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().unref());
  const listened = await Promise.allSettled(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, host, () => {
            const address = server.address();
            if (typeof address === 'object' && address) resolve(address.port);
            else reject(new Error('no port assigned'));
          });
        }),
    ),
  );
  // Every server has listened or failed by now: none is left open behind the answer.
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))),
  );
  const failed = listened.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return listened.map((r) => (r as PromiseFulfilledResult<number>).value);
}

export const isPortOpen = async (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

const isUrlAnswering = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
};

export const readLogTail = (logFile: string, bytes = LOG_TAIL_BYTES): string => {
  try {
    const text = readFileSync(logFile, 'utf8');
    return text.length > bytes ? `…${text.slice(-bytes)}` : text;
  } catch {
    return '';
  }
};

const describeCheck = (ready: ReadinessCheck): string => ('url' in ready ? ready.url : `${ready.host ?? '127.0.0.1'}:${ready.port}`);

const checkPort = (ready: ReadinessCheck): { port: number; host: string } | undefined => {
  if ('port' in ready) return { port: ready.port, host: ready.host ?? '127.0.0.1' };
  const url = new URL(ready.url);
  return url.port ? { port: Number(url.port), host: url.hostname } : undefined;
};

export const startChildProcess = async (options: StartChildOptions): Promise<RunningChild> => {
  // A deadline, not a wait: on a machine shared by several developers a JVM can take a minute.
  const { name, ready, logFile, timeoutMs = 90_000, graceMs = 5_000 } = options;
  // Something already listening would make the readiness check pass for the wrong process.
  const target = checkPort(ready);
  if (target && (await isPortOpen(target.port, target.host))) {
    throw new ChildProcessError(`${name}: port ${target.port} on ${target.host} is already in use`);
  }

  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }

  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 0));
    child.once('error', () => resolve(-1));
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    if (child.pid) running.delete(child.pid);
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new ChildProcessError(`${name}: could not start ${options.command}: ${spawnError?.message}`, {
      cause: spawnError,
    });
  }
  running.add(pid);
  installExitHook();
  options.onSpawn?.(pid);

  const stop = async (): Promise<void> => {
    if (!hasExited) {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // The leader is gone; stragglers in its group (e.g. a JVM helper) go too.
    killGroup(pid, 'SIGKILL');
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited) {
      const status = await exited;
      throw new ChildProcessError(
        `${name} exited (${status}) before ${describeCheck(ready)} answered. Log ${logFile}:\n${readLogTail(logFile)}`,
      );
    }
    const isReady = 'url' in ready ? await isUrlAnswering(ready.url) : await isPortOpen(ready.port, ready.host);
    if (isReady) return { pid, logFile, exited, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new ChildProcessError(
        `${name} did not answer on ${describeCheck(ready)} within ${timeoutMs} ms. Log ${logFile}:\n${readLogTail(logFile)}`,
      );
    }
    await sleep(100);
  }
};

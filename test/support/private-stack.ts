import { rmSync } from 'node:fs';
import { type StackProcess, stackEnv, startStackProcess } from '../../tools/local-stack-process.js';

export interface PrivateStack extends StackProcess {
  /** Everything the stack process (gateway, handlers, mailer, sweeper) wrote to stdout and stderr since it started answering. */
  output(): string;
}

/**
 * A local stack of the test file's own, for tests that need a table no other file writes to
 * while they run (vitest runs files in parallel where there are cores to), or the stack's own
 * output: the shared stack's output stays inside the global setup, where no test can read it.
 * `env` overrides the environment (e.g. LOG_LEVEL; the stack project sets SILENT for tests).
 */
export async function startPrivateStack(env: NodeJS.ProcessEnv = {}): Promise<PrivateStack> {
  const stack = await startStackProcess({ ...(await stackEnv()), ...env });
  let output = '';
  stack.child.stdout?.on('data', (d) => (output += d));
  stack.child.stderr?.on('data', (d) => (output += d));
  return {
    ...stack,
    output: () => output,
    stop: async () => {
      await stack.stop();
      rmSync(stack.stateDir, { recursive: true, force: true });
    },
  };
}

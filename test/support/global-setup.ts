import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type { LocalInfo } from '../../local/local-info.js';
import { stackEnv, startStackProcess } from '../../tools/local-stack-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    local: LocalInfo;
    stateDir: string;
  }
}

/** One local stack (emulators, gateway, mailer) per test run, on free ports. */
export default async function setup(project: TestProject) {
  const stack = await startStackProcess(await stackEnv());
  project.provide('local', stack.info);
  project.provide('stateDir', stack.stateDir);
  return async () => {
    await stack.stop();
    rmSync(stack.stateDir, { recursive: true, force: true });
  };
}

#!/usr/bin/env node
// `npx signoff-verify …`: the offline receipt verifier (tools/verify/cli.ts), run through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../tools/verify/cli.ts');
process.exitCode = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  fetch: globalThis.fetch,
});

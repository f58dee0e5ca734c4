import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { claimStateDir, findRunningStack, killRecordedEmulators, releaseStateDir } from './running-stack.js';
import { readSettings } from './settings.js';
import { type LocalStack, startLocalStack } from './stack.js';

/** `npm start`: the whole stack on loopback until Ctrl-C. */
const settings = readSettings();
// The AWS SDK warns on every start that its releases after early January 2027 need Node 22.
// True, but nothing to act on here today: one short line instead (README, "Node versions").
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(`[signoff] Node ${process.versions.node}: supported; AWS SDK releases after January 2027 need Node 22 (see README).`);
}
const infoFile = join(settings.stateDir, 'local.json');
mkdirSync(settings.stateDir, { recursive: true });

// A stack already running from this folder keeps its files and ports; we only say so.
const running = findRunningStack(settings.stateDir);
if (running) {
  console.error(
    `[signoff] a stack is already running from ${settings.stateDir} (pid ${running.pid}${running.apiUrl ? `, API ${running.apiUrl}` : ''}).\n` +
      '[signoff] Use that one, or stop it first (Ctrl-C in its terminal). A second stack needs its own folder and ports:\n' +
      '[signoff]   SIGNOFF_STATE_DIR=.signoff-2 PORT=3100 DYNAMODB_PORT=8100 COGNITO_PORT=9329 SES_PORT=8105 npm start',
  );
  process.exit(1);
}
claimStateDir(settings.stateDir);
rmSync(infoFile, { force: true });

let stack: LocalStack | undefined;
let stopping = false;
const shutdown = (why: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[signoff] stopping (${why})…`);
  rmSync(infoFile, { force: true });
  if (!stack) {
    // Still starting: the emulators are up or coming up; stop them by their recorded groups.
    killRecordedEmulators(settings.stateDir);
    releaseStateDir(settings.stateDir);
    process.exit(130);
  }
  stack.stop().then(() => {
    releaseStateDir(settings.stateDir);
    process.exit(0);
  });
};
// Installed before anything starts, so a Ctrl-C during start-up stops what has started too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
// Whoever started us (a terminal's npm, a test run) died without stopping us: stop, don't linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('parent process exited');
}, 1000).unref();

stack = await startLocalStack(settings).catch((error) => {
  console.error(`[signoff] could not start: ${error instanceof Error ? error.message : error}`);
  releaseStateDir(settings.stateDir);
  process.exit(1);
});
if (stopping) {
  await stack.stop();
  releaseStateDir(settings.stateDir);
  process.exit(0);
}

const { info } = stack;
console.log(`
Signoff is running.
  API           ${info.apiUrl}            (GET ${info.apiUrl}/health)
  Portal        ${info.portalUrl}
  Mail viewer   ${info.ses.viewerUrl}     (JSON: ${info.ses.storeUrl})
  Webhook inbox ${info.webhooks.inboxUrl}     (JSON: ${info.webhooks.deliveriesUrl}; demo webhook ${info.webhooks.demoWebhookId})
  DynamoDB      ${info.dynamodb.endpoint}  table ${info.dynamodb.tableName}
  Cognito       ${info.cognito.endpoint}  pool ${info.cognito.userPoolId}, client ${info.cognito.clientId}

  Technician    ${info.demo.technician.email} / ${info.demo.technician.password}
${info.demo.approvers.map((a) => `  ${a.kind === 'user' ? 'User   ' : 'Contact'}       ${a.email} / ${a.password}  (approverId ${a.approverId})`).join('\n')}

  Everything above is in ${infoFile}. Ctrl-C stops it all.
`);

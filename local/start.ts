import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from './settings.js';
import { startLocalStack } from './stack.js';

/** `npm start`: the whole stack on loopback until Ctrl-C. */
const settings = readSettings();
rmSync(join(settings.stateDir, 'local.json'), { force: true });
const stack = await startLocalStack(settings).catch((error) => {
  console.error(`[signoff] could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

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

  Everything above is in ${join(settings.stateDir, 'local.json')}. Ctrl-C stops it all.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[signoff] stopping…');
    rmSync(join(settings.stateDir, 'local.json'), { force: true });
    stack.stop().then(() => process.exit(0));
  });
}

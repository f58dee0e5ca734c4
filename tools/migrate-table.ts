/**
 * Brings the items of a deployed table up to this release (functions/store/migrations): run it
 * with the operator's AWS credentials, e.g.
 *
 *   npx tsx tools/migrate-table.ts --table "$(out TableName)" [--region eu-west-1]
 *
 * Every migration is idempotent, paged and conditional: a second run changes nothing, and the
 * service may run meanwhile. The local stack runs the same migrations on every `npm start`.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ITEM_MIGRATIONS, migrateItems } from '../functions/store/migrations/index.js';

const { values } = parseArgs({
  options: { table: { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help || !values.table) {
  console.log(
    [
      'usage: npx tsx tools/migrate-table.ts --table <TableName> [--region <region>] [--endpoint <url>]',
      '',
      'Runs on the table, in order:',
      ...ITEM_MIGRATIONS.map((m) => `  ${m.name}: ${m.about}`),
      '',
      'The region defaults to AWS_REGION; credentials come from the usual AWS chain (AWS_PROFILE, …).',
    ].join('\n'),
  );
  process.exit(values.help ? 0 : 2);
}

const tableName = values.table ?? '';
const dynamodb = new DynamoDBClient({
  ...(values.region ? { region: values.region } : {}),
  ...(values.endpoint ? { endpoint: values.endpoint } : {}),
});
const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
const started = Date.now();
let lines = 0;
await migrateItems({ documents, tableName }, (line) => {
  lines++;
  console.log(line);
});
console.log(`${tableName}: migrations done in ${((Date.now() - started) / 1000).toFixed(1)} s${lines ? '' : ' (nothing to move)'}`);

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { migrateItems } from '../functions/store/migrations/index.js';
import { TABLE_DEFINITION } from '../functions/store/table-definition.js';
import { ensureTable } from './bootstrap-table.js';

/**
 * The local stack's table, as `npm start` brings it up: created from the shared definition, or an
 * existing one brought up to it, its indexes first and then its items (functions/store/migrations).
 * Returns the stream ARN for the poller.
 */
export function ensureSignoffTable(client: DynamoDBClient, tableName: string, log: (line: string) => void = () => {}): Promise<string> {
  return ensureTable({
    client,
    tableName,
    definition: TABLE_DEFINITION,
    migrateItems: (dynamodb, name) =>
      migrateItems(
        { documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }), tableName: name },
        log,
      ),
  });
}

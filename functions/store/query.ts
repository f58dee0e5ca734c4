import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.js';

type Item = Record<string, unknown>;

/** Follows a Query's pages until the end, or until `stop` says the items read so far suffice. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, stop?: (items: Item[]) => boolean): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start && !stop?.(items));
  return items;
}

import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.js';
import { INDEX, type Index } from './table-definition.js';

type Item = Record<string, unknown>;

/** Follows a Query's pages until the end, until `limit` items, or until `stop` says the items so far suffice. */
async function query(input: Omit<QueryCommandInput, 'TableName'>, options: { limit?: number; stop?: (items: Item[]) => boolean } = {}) {
  const items: Item[] = [];
  const pages = paginateQuery(
    { client: documents, ...(options.limit ? { pageSize: options.limit } : {}) },
    { TableName: tableName(), ...input },
  );
  for await (const page of pages) {
    items.push(...((page.Items ?? []) as Item[]));
    if ((options.limit && items.length >= options.limit) || options.stop?.(items)) break;
  }
  return options.limit ? items.slice(0, options.limit) : items;
}

/** A Query on the table itself, every page (or until `stop`). */
export async function queryAll(
  input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>,
  stop?: (items: Item[]) => boolean,
): Promise<Item[]> {
  return query(input, stop ? { stop } : {});
}

export interface IndexQuery {
  /** The index partition to read. */
  partition: string;
  /** Only items whose index sort key is at most this (due work: `<now>~` takes everything due by now). */
  sortAtMost?: string;
  newestFirst?: boolean;
  /** At most this many items; all of them when absent. */
  limit?: number;
}

/** The one way the store reads an index: one partition, optionally bounded above, in sort order. */
export async function queryIndex(index: Index, { partition, sortAtMost, newestFirst, limit }: IndexQuery): Promise<Item[]> {
  return query(
    {
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk${sortAtMost !== undefined ? ` AND ${index.sortKey} <= :sk` : ''}`,
      ExpressionAttributeValues: { ':pk': partition, ...(sortAtMost !== undefined ? { ':sk': sortAtMost } : {}) },
      ...(newestFirst ? { ScanIndexForward: false } : {}),
    },
    limit ? { limit } : {},
  );
}

/** Access pattern 7: due work of one kind (a partition of the due index) due by `now`, oldest first. */
export async function queryDue(partition: string, now: Date, limit: number): Promise<Item[]> {
  return queryIndex(INDEX.due, { partition, sortAtMost: `${now.toISOString()}~`, limit });
}

import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

/**
 * Test only: every item of a table, each as canonical JSON (keys sorted), sorted. A Scan is fine
 * here; the service never scans.
 */
export async function dumpTable(dynamodb: DynamoDBClient, tableName: string): Promise<string[]> {
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    for (const item of page.Items ?? []) items.push(canonical(item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort();
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v instanceof Uint8Array
        ? { $binary: Buffer.from(v).toString('base64') }
        : v,
  );
}

/** What changed between two dumps, for a readable failure. */
export function dumpDiff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return { added: after.filter((i) => !was.has(i)), removed: before.filter((i) => !is.has(i)) };
}

import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import { documents, tableName } from './client.js';

type Item = Record<string, unknown>;

/**
 * Cursor paging for every list route: `limit` items a page and an opaque `next` that continues
 * where the page stopped. A cursor is base64url JSON of where to go on; it is checked before any
 * use (shape, and that it points into the very partition being listed), so garbage or a cursor
 * of another list is a 400 `invalid_cursor`, never a DynamoDB error, and never someone else's data.
 */
export const PAGE = { default: 50, max: 100 } as const;

export interface Page {
  items: Item[];
  next: string | null;
}

export const invalidCursor = () => new ValidationError('invalid_cursor', 'The `next` cursor is not one this list gave out.');

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The cursor's JSON, or 400. Callers check its fields with `isStrings`. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw invalidCursor();
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidCursor();
    return value as Record<string, unknown>;
  } catch {
    throw invalidCursor();
  }
}

/** True when `value` is an object with exactly these attributes, each a string. */
function isKey(value: unknown, attributes: readonly string[]): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const names = Object.keys(value);
  return names.length === attributes.length && attributes.every((a) => typeof (value as Item)[a] === 'string');
}

/** One Query a list reads in turn (open requests, then the others). */
export interface Phase {
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;
  /** The attributes of a LastEvaluatedKey of this Query (table keys, plus the index's). */
  keyAttributes: readonly string[];
  /** The partition the Query lists: a cursor must point into it. */
  partition: { attribute: string; value: string };
}

/**
 * Reads up to `limit` items from the phases in order, from where `cursor` says. DynamoDB's own
 * Limit stops each Query at what the page still needs, so a page costs what it returns.
 */
export async function queryPage(phases: readonly Phase[], limit: number, cursor: string | undefined): Promise<Page> {
  let phase = 0;
  let start: Record<string, string> | undefined;
  if (cursor !== undefined) {
    const value = decodeCursor(cursor);
    const p = value.p;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= phases.length) throw invalidCursor();
    const shape = phases[p]!;
    if (value.k !== undefined) {
      if (!isKey(value.k, shape.keyAttributes) || value.k[shape.partition.attribute] !== shape.partition.value) throw invalidCursor();
      start = value.k;
    }
    phase = p;
  }
  const items: Item[] = [];
  while (phase < phases.length) {
    const { input } = phases[phase]!;
    const result = await documents.send(
      new QueryCommand({ TableName: tableName(), ...input, Limit: limit - items.length, ExclusiveStartKey: start }),
    );
    items.push(...((result.Items ?? []) as Item[]));
    start = result.LastEvaluatedKey as Record<string, string> | undefined;
    if (!start) phase++;
    if (items.length >= limit) break;
  }
  const done = phase >= phases.length;
  return { items, next: done ? null : encodeCursor(start ? { p: phase, k: start } : { p: phase }) };
}

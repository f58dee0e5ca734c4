import * as v from 'valibot';
import { ValidationError } from '../domain/errors.js';

/** A schema for one part of a request (path, query or body), whatever its output. */
export type Schema<T = unknown> = v.GenericSchema<unknown, T>;

/** Received values are quoted in messages, but never more than this much of them. */
const QUOTE_LIMIT = 40;

const quote = (received: string) => (received.length > QUOTE_LIMIT ? `${received.slice(0, QUOTE_LIMIT)}…` : received);

const unitOf = (input: unknown) => (Array.isArray(input) ? 'item' : 'character');
const plural = (count: unknown, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/**
 * The message of an issue whose schema gave none: a short sentence about the field, in the
 * API's words, that never echoes more than a few characters of what was sent.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.at(-1);
  if ((issue.type === 'object' || issue.type === 'strict_object') && last?.origin === 'key') {
    return issue.expected === 'never' ? 'is not a field this request takes' : 'is required';
  }
  switch (issue.type) {
    case 'min_length':
      return `must have at least ${plural(issue.requirement, unitOf(issue.input))}`;
    case 'max_length':
      return `must have at most ${plural(issue.requirement, unitOf(issue.input))}`;
    case 'min_value':
      return `must be at least ${issue.requirement}`;
    case 'max_value':
      return `must be at most ${issue.requirement}`;
    default:
      return `expected ${issue.expected ?? issue.type}, received ${quote(issue.received)}`;
  }
}

/** Parses one part of a request; a mismatch is a 400 naming every offending field. */
export function parse<T>(schema: Schema<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = v.safeParse(schema, value, { message: describeIssue });
  if (result.success) return result.output;
  const issues = result.issues.map((i) => ({
    path: [where, ...(i.path ?? []).map((item) => quote(String(item.key)))].join('.'),
    message: i.message,
  }));
  throw new ValidationError('invalid_request', `The request ${where} is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, {
    details: { issues },
  });
}

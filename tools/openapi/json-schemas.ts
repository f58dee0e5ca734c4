/** valibot schemas as the JSON Schema (2020-12) an OpenAPI 3.1 document holds. */
import { type JsonSchema, toJsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import { RESPONSE_SCHEMAS } from '../../functions/http/response-schemas.js';

const CONVERSION = { target: 'draft-2020-12', errorMode: 'ignore' } as const;

type Node = { kind: string; type: string; pipe?: Node[]; entries?: Record<string, Node>; item?: Node; wrapped?: Node; options?: Node[] };

/**
 * Text fields strip invisible characters (a `transform` that keeps a string a string) before
 * their length is checked. In input mode the conversion stops at any transform and would drop the
 * limits after it, so a copy of the schema without such transforms is converted; a transform
 * followed by another schema (the `ids` list, split from a string) stays and still ends the
 * conversion there: the caller sends the string.
 */
function withoutTextCleanup(node: Node): Node {
  const copy: Node = { ...node };
  if (node.pipe) {
    copy.pipe = node.pipe
      .filter((item, i) => !(item.type === 'transform' && !node.pipe!.slice(i + 1).some((later) => later.kind === 'schema')))
      .map((item) => (item.kind === 'schema' ? withoutTextCleanup(item) : item));
  }
  if (node.entries) copy.entries = Object.fromEntries(Object.entries(node.entries).map(([k, v]) => [k, withoutTextCleanup(v)]));
  if (node.item) copy.item = withoutTextCleanup(node.item);
  if (node.wrapped) copy.wrapped = withoutTextCleanup(node.wrapped);
  // A union's or variant's options are schemas; a picklist's are plain values.
  if (node.options) copy.options = node.options.map((option) => (option?.kind === 'schema' ? withoutTextCleanup(option) : option));
  return copy;
}

/** A request schema as JSON Schema: what a caller may send (before any transformation). */
export function requestSchema(schema: GenericSchema): JsonSchema {
  const input = withoutTextCleanup(schema as unknown as Node) as unknown as GenericSchema;
  const { $schema: _, ...json } = toJsonSchema(input, { ...CONVERSION, typeMode: 'input' });
  return json;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Response schemas: named, with loose objects marked open (the tests' contract check closes all others). */
export function componentSchemas(): Record<string, JsonSchema> {
  return toJsonSchemaDefs(RESPONSE_SCHEMAS as unknown as Record<string, GenericSchema>, {
    ...CONVERSION,
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema.type === 'loose_object' ? { ...jsonSchema, additionalProperties: true } : undefined,
  });
}

export const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });

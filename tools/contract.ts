/**
 * Checks an answer of the API against the published contract (docs/openapi.json) with ajv
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses). Test clients call assertMatchesContract on every
 * reply they receive, so a status or field the code answers but the document does not describe
 * fails the test that saw it.
 *
 * Stricter than the document on one point: the document leaves response objects open to new
 * fields (clients must tolerate additions), but here every object of a response schema is
 * closed, unless the schema says `additionalProperties` itself. A field the code adds without
 * documenting it is therefore caught.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const DOCUMENT_FILE = join(import.meta.dirname, '..', 'docs', 'openapi.json');

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

interface Compiled {
  routes: { method: string; template: string; segments: string[]; operation: Operation }[];
  validators: Map<string, ValidateFunction>;
  ajv: Ajv2020;
}

let compiled: Compiled | undefined;

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Closes every object schema that lists properties and says nothing about others. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closeObjects(v)])) as Json;
  if (copy.properties && copy.additionalProperties === undefined && copy.unevaluatedProperties === undefined) {
    copy.unevaluatedProperties = false;
  }
  return copy;
}

function load(): Compiled {
  const document = JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'signoff:components', components: { schemas: closeObjects(document.components.schemas) } });
  const routes = Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      segments: template.split('/').slice(1),
      operation,
    })),
  );
  return { routes, validators: new Map(), ajv };
}

/** The operation for a concrete path; at the first differing segment a literal beats a parameter, as in API Gateway. */
function findRoute(c: Compiled, method: string, path: string) {
  const parts = path.split('?')[0]!.split('/').slice(1);
  const matches = c.routes.filter(
    (r) => r.method === method && r.segments.length === parts.length && r.segments.every((s, i) => s.startsWith('{') || s === parts[i]),
  );
  const literals = (r: (typeof matches)[number]) => r.segments.map((s) => (s.startsWith('{') ? '1' : '0')).join('');
  return matches.sort((a, b) => literals(a).localeCompare(literals(b)))[0];
}

const describe = (e: ErrorObject) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`;

const rewriteRefs = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"signoff:components#/components/schemas/'));

/**
 * Throws unless `body` is what the document says `METHOD path` answers with `status`. A reply to a
 * path no operation has (the gateway's own 404 or 405 for an unknown route) is not the API's: it
 * passes unchecked, and `false` says so.
 */
export function assertMatchesContract(method: string, path: string, status: number, body: unknown): boolean {
  compiled ??= load();
  const route = findRoute(compiled, method.toUpperCase(), path);
  if (!route) return false;
  const where = `${method.toUpperCase()} ${route.template} → ${status}`;
  const response = route.operation.responses[String(status)] ?? route.operation.responses[`${String(status)[0]}XX`];
  if (!response) {
    throw new Error(`${where}: the OpenAPI document does not list this status (body: ${JSON.stringify(body)?.slice(0, 300)})`);
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    if (body === undefined || body === null || body === '') return true;
    throw new Error(`${where}: the document says no body, got ${JSON.stringify(body).slice(0, 300)}`);
  }
  const key = `${route.method} ${route.template} ${status}`;
  let validate = compiled.validators.get(key);
  if (!validate) {
    validate = compiled.ajv.compile(rewriteRefs(schema) as Json);
    compiled.validators.set(key, validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).map(describe).join('; ');
    throw new Error(`${where}: the body does not match the OpenAPI document: ${problems}\n${JSON.stringify(body).slice(0, 500)}`);
  }
  return true;
}

/** Throws unless `body` is a webhook event as the document's `webhooks` section describes it (for receivers in tests). */
export function assertMatchesWebhookEvent(body: unknown): void {
  compiled ??= load();
  let validate = compiled.validators.get('webhook event');
  if (!validate) {
    validate = compiled.ajv.compile(rewriteRefs({ $ref: '#/components/schemas/WebhookEvent' }) as Json);
    compiled.validators.set('webhook event', validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).map(describe).join('; ');
    throw new Error(`the webhook event does not match the OpenAPI document: ${problems}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}

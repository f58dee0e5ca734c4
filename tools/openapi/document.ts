/**
 * Builds the OpenAPI 3.1 document from the code: the route table (paths, methods, groups), the
 * valibot schemas each handler validates its path, query and body with (route()'s `contract`),
 * the response schemas (functions/http/response-schemas.ts) and operations.ts. Nothing here is
 * written by hand twice, so the document cannot drift from what the handlers accept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { JsonSchema } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import type { RouteDefinition } from '../../functions/handlers/routes.js';
import { type ContractRoute, contractRoutes, routeShape } from './contract-routes.js';
import { errorResponses, MUTATING } from './error-responses.js';
import { componentSchemas, jsonContent, ref, requestSchema } from './json-schemas.js';
import { OPERATIONS } from './operations.js';
import { webhooks } from './webhook-events.js';

export { contractRoutes } from './contract-routes.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const DOCUMENT_FILE = join(REPO_ROOT, 'docs', 'openapi.json');
/** The copy GET /openapi.json serves: gzip of the minified document, so its handler bundle stays small. */
export const SERVED_FILE = join(REPO_ROOT, 'functions', 'http', 'openapi-document.ts');

function parameters(route: ContractRoute, where: 'path' | 'query', schema: GenericSchema | undefined) {
  if (where === 'path' && !schema) {
    return [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  }
  if (!schema) return [];
  const json = requestSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function operationOf(route: ContractRoute) {
  const key = `${route.method} ${route.path}`;
  const operation =
    OPERATIONS[key] ??
    OPERATIONS[Object.keys(OPERATIONS).find((k) => routeShape(...split(k)) === routeShape(route.method, route.path)) ?? ''];
  if (!operation) throw new Error(`${key} (${route.name}) has no entry in tools/openapi/operations.ts: say what it answers there.`);
  const guarded = route.access !== 'public';
  const groups = guarded ? [...(route.access as readonly string[])] : [];
  const responses: Record<string, unknown> = {};
  for (const [status, { schema, description }] of Object.entries(operation.ok)) {
    const body: JsonSchema | undefined = schema === 'OpenApiDocument' ? { type: 'object' } : schema ? ref(schema) : undefined;
    responses[status] = { description, ...(body ? { content: jsonContent(body) } : {}) };
  }
  Object.assign(responses, errorResponses(route, operation));
  const { params, query, body } = route.contract ?? {};
  const access = guarded ? `Groups: ${groups.map((g) => `\`${g}\``).join(', ')}.` : 'Public: no token.';
  return {
    operationId: camel(route.name),
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, access, route.planned ? 'Documented from API.md; its handler is not deployed yet.' : undefined]
      .filter(Boolean)
      .join('\n\n'),
    security: guarded ? [{ cognito: [] }] : [],
    ...(guarded ? { 'x-signoff-groups': groups } : {}),
    parameters: [
      ...parameters(route, 'path', params),
      ...parameters(route, 'query', query),
      ...(guarded && MUTATING.has(route.method) ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
    ],
    ...(body ? { requestBody: { required: true, content: jsonContent(requestSchema(body)) } } : {}),
    responses,
  };
}

const split = (key: string) => key.split(' ') as [string, string];
const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

const TAGS = [
  { name: 'Directory', description: 'Who may approve: listed users and contacts.' },
  { name: 'Tickets', description: "A ticket's approval request (the helpdesk's Approvals tab)." },
  { name: 'Portal', description: 'The approver portal.' },
  { name: 'Webhooks', description: 'Endpoints that get the events pushed.' },
  { name: 'Service', description: 'Health and this document.' },
  { name: 'Webhook events', description: 'What a webhook endpoint receives.' },
];

/** The whole document, deterministic for the same code. */
export async function buildDocument(routes?: readonly RouteDefinition[]) {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; description: string };
  const all = await contractRoutes(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...all].sort((a, b) => a.path.localeCompare(b.path))) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Signoff API',
      version: pkg.version,
      description: `${pkg.description}. JSON in, JSON out; ISO-8601 UTC timestamps; ids are opaque strings. Every error is \`{"error": {"code", "message", "details"?}}\` with one of the codes of the \`Error\` schema.`,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The API of the deployment that serves this document.' }],
    tags: TAGS,
    paths,
    webhooks: webhooks(),
    components: {
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito ID or access token. Each operation names the Cognito groups that may call it (`x-signoff-groups`); another group gets 403.',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any opaque string up to 255 characters. A repeat with the same key and body within 24 hours returns the first response (header `idempotent-replayed: true`) and changes nothing; the same key with another body is 422.',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      schemas: componentSchemas(),
    },
  };
}

export const serialize = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

/** The source of functions/http/openapi-document.ts for a document. */
export function servedModule(document: unknown): string {
  const gzip = gzipSync(JSON.stringify(document), { level: 9 }).toString('base64');
  return [
    '// Generated by `npm run openapi` from docs/openapi.json; do not edit. The document, minified and gzipped:',
    '// about a tenth of its size in the bundle of GET /openapi.json (the handler inflates it once).',
    'export const OPENAPI_GZIP_BASE64 =',
    `  '${gzip}';`,
    '',
  ].join('\n');
}

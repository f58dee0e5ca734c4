/**
 * Builds the OpenAPI 3.1 document from the code: the route table (paths, methods, groups), the
 * valibot schemas each handler validates its path, query and body with (route()'s `contract`),
 * the response schemas (functions/http/response-schemas.ts) and operations.ts. Nothing here is
 * written by hand twice, so the document cannot drift from what the handlers accept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type JsonSchema, toJsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import { ROUTES, type RouteDefinition } from '../../functions/handlers/routes.js';
import { type ErrorCode, RESPONSE_SCHEMAS } from '../../functions/http/response-schemas.js';
import type { RouteContract } from '../../functions/http/route.js';
import { createWebhookBody, WEBHOOK_EVENT_TYPES, webhookParams } from '../../functions/http/webhook-schemas.js';
import { OPERATIONS, type Operation } from './operations.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const DOCUMENT_FILE = join(REPO_ROOT, 'docs', 'openapi.json');
/** The copy GET /openapi.json serves: gzip of the minified document, so its handler bundle stays small. */
export const SERVED_FILE = join(REPO_ROOT, 'functions', 'http', 'openapi-document.ts');

/** A route as the document sees it: the table's entry and the schemas its handler validates with. */
export interface ContractRoute {
  method: RouteDefinition['method'];
  path: string;
  access: RouteDefinition['access'];
  name: string;
  contract?: Partial<RouteContract>;
  /** Not in the route table yet: documented from API.md until its handler lands. */
  planned?: boolean;
}

/**
 * The webhook routes of API.md, documented from webhook-schemas.ts until their handlers are in
 * the route table; a route of the table with the same method and path replaces its entry here.
 */
const PLANNED_ROUTES: ContractRoute[] = [
  { name: 'create-webhook', method: 'POST', path: '/webhooks', contract: { body: createWebhookBody() } },
  { name: 'list-webhooks', method: 'GET', path: '/webhooks' },
  { name: 'get-webhook', method: 'GET', path: '/webhooks/{webhookId}', contract: { params: webhookParams() } },
  { name: 'delete-webhook', method: 'DELETE', path: '/webhooks/{webhookId}', contract: { params: webhookParams() } },
  { name: 'rotate-webhook-secret', method: 'POST', path: '/webhooks/{webhookId}/secret', contract: { params: webhookParams() } },
  { name: 'test-webhook', method: 'POST', path: '/webhooks/{webhookId}/test', contract: { params: webhookParams() } },
  { name: 'list-webhook-deliveries', method: 'GET', path: '/webhooks/{webhookId}/deliveries', contract: { params: webhookParams() } },
].map((r) => ({ ...r, method: r.method as RouteDefinition['method'], access: ['technicians'] as const, planned: true }));

/** `{name}` segments compared without their names: `/webhooks/{id}` is `/webhooks/{webhookId}`. */
export const routeShape = (method: string, path: string) => `${method} ${path.replace(/\{\w+\}/g, '{}')}`;

/**
 * Every route of the table with the schemas its handler validates with: the handler module is
 * imported (never called) and route() left them on it. Public routes take no input (publicRoute
 * validates nothing), and GET /openapi.json serves what this builds, so they are not imported.
 */
export async function contractRoutes(routes: readonly RouteDefinition[] = ROUTES): Promise<ContractRoute[]> {
  const built = await Promise.all(
    routes.map(async (route): Promise<ContractRoute> => {
      const { method, path, access, name } = route;
      if (access === 'public') return { method, path, access, name };
      const module = (await import(join(REPO_ROOT, route.entry))) as { handler: { contract?: RouteContract } };
      const { contract } = module.handler;
      if (!contract) throw new Error(`${route.entry} does not build its handler with route(): its schemas are unknown.`);
      return { method, path, access, name, contract };
    }),
  );
  const shapes = new Set(built.map((r) => routeShape(r.method, r.path)));
  return [...built, ...PLANNED_ROUTES.filter((r) => !shapes.has(routeShape(r.method, r.path)))];
}

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
function requestSchema(schema: GenericSchema): JsonSchema {
  const input = withoutTextCleanup(schema as unknown as Node) as unknown as GenericSchema;
  const { $schema: _, ...json } = toJsonSchema(input, { ...CONVERSION, typeMode: 'input' });
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Response schemas: named, with loose objects marked open (the tests' contract check closes all others). */
function componentSchemas(): Record<string, JsonSchema> {
  return toJsonSchemaDefs(RESPONSE_SCHEMAS as unknown as Record<string, GenericSchema>, {
    ...CONVERSION,
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema.type === 'loose_object' ? { ...jsonSchema, additionalProperties: true } : undefined,
  });
}

const MUTATING = new Set(['POST', 'PUT', 'DELETE']);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The body is not JSON, or the path, query or body does not match the schema (`details.issues` names each field).',
  401: 'No token, or an expired or forged one. In AWS API Gateway itself answers `{"message": "Unauthorized"}`.',
  403: "The token's group may not call this route.",
  404: 'No such thing, or one the caller may not see.',
  409: 'The change conflicts with the current state.',
  413: 'The body is larger than 256 KiB.',
  422: 'Well-formed but impossible.',
  429: 'Too many requests: in AWS API Gateway throttles a client above 100 requests/s (its own `{"message": "Too Many Requests"}`); a route with its own limit says so with a code and `Retry-After`.',
  431: 'The request headers are too large; answered before the request reaches the API.',
  500: 'Something went wrong on our side; the caller did nothing wrong.',
  503: 'Overloaded: retry after the `Retry-After` seconds.',
};

/** The error codes a route can answer with, by status: the shared ones from its shape, plus its own. */
export function errorCodes(route: ContractRoute, operation: Operation): Map<number, ErrorCode[]> {
  const codes = new Map<number, ErrorCode[]>();
  const add = (status: number, ...more: readonly ErrorCode[]) => codes.set(status, [...new Set([...(codes.get(status) ?? []), ...more])]);
  const guarded = route.access !== 'public';
  const mutating = guarded && MUTATING.has(route.method);
  const { params, query, body } = route.contract ?? {};
  // route() validates path, query and body, and refuses a query string where it takes none.
  if (guarded || params || query || body) add(400, 'invalid_request');
  if (body || mutating) add(400, 'invalid_json');
  if (mutating) add(400, 'invalid_idempotency_key');
  if (guarded) add(401, 'unauthorized');
  if (guarded) add(403, 'forbidden');
  if (params) add(404, 'not_found');
  if (mutating) add(409, 'request_in_progress', 'concurrent_update');
  if (guarded && route.method !== 'GET') add(413, 'payload_too_large');
  if (mutating) add(422, 'idempotency_key_reused');
  for (const [status, more] of Object.entries(operation.errors ?? {})) add(Number(status), ...more);
  // The gateway's own answers: throttling (429, in AWS), headers too large (431), a timeout (503).
  add(429);
  add(431, 'headers_too_large');
  add(500, 'internal_error');
  add(503, 'unavailable');
  return new Map([...codes].sort(([a], [b]) => a - b));
}

/** Statuses API Gateway itself may answer, with its own body, before or instead of a handler. */
const GATEWAY_STATUSES = new Set([401, 413, 429, 500, 503]);

/** The error body, with `code` narrowed to what this route and status can answer. */
function errorSchema(status: number, codes: readonly ErrorCode[]): JsonSchema {
  if (codes.length === 0) return ref('GatewayError');
  const narrowed: JsonSchema = { allOf: [ref('Error'), { properties: { error: { properties: { code: { enum: [...codes] } } } } }] };
  return GATEWAY_STATUSES.has(status) ? { anyOf: [narrowed, ref('GatewayError')] } : narrowed;
}

const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });

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
  for (const [status, codes] of errorCodes(route, operation)) {
    const list = codes.map((c) => `\`${c}\``).join(', ');
    responses[status] = {
      description: `${ERROR_DESCRIPTIONS[status] ?? 'Error.'}${list ? ` Codes: ${list}.` : ''}`,
      content: jsonContent(errorSchema(status, codes)),
    };
  }
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

const WEBHOOK_HEADERS = {
  'webhook-id': 'The event id (`evt_…`), the same on every retry: de-duplicate by it.',
  'webhook-timestamp': 'Unix seconds when this attempt was signed.',
  'webhook-signature': 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (two while a rotated secret overlaps), per Standard Webhooks.',
};

function webhooks() {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: camel(`event-${type.replace(/[._]/g, '-')}`),
          tags: ['Webhook events'],
          summary: `The \`${type}\` event`,
          description:
            'POSTed to every active endpoint subscribed to it, signed per Standard Webhooks. A 2xx within 10 s is delivered; anything else is retried with growing delays for about 24 h. In AWS the same body is the `detail` of an EventBridge event (source `signoff`, detail-type = the type).',
          security: [],
          parameters: Object.entries(WEBHOOK_HEADERS).map(([name, description]) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: jsonContent({ allOf: [ref('WebhookEvent'), { properties: { type: { const: type } } }] }),
          },
          responses: {
            '2XX': { description: 'Delivered.' },
            default: { description: 'Not delivered: retried with growing delays for about 24 h.' },
          },
        },
      },
    ]),
  );
}

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

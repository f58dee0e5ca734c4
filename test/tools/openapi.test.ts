import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/handlers/routes.js';
import { OPENAPI_GZIP_BASE64 } from '../../functions/http/openapi-document.js';
import { ERROR_CODES } from '../../functions/http/response-schemas.js';
import { WEBHOOK_EVENT_TYPES } from '../../functions/http/webhook-schemas.js';
import { buildDocument, contractRoutes, DOCUMENT_FILE, REPO_ROOT } from '../../tools/openapi/document.js';

type Operation = {
  security: unknown[];
  'x-signoff-groups'?: string[];
  parameters: { name?: string; in?: string; $ref?: string }[];
  requestBody?: { content: { 'application/json': { schema: { required?: string[]; additionalProperties?: boolean } } } };
  responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
};
type Document = Awaited<ReturnType<typeof buildDocument>> & { paths: Record<string, Record<string, Operation>> };

let built: Document;
const committed = () => JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8'));

beforeAll(async () => {
  built = (await buildDocument()) as Document;
});

describe('the published OpenAPI document', () => {
  it('is committed as `npm run openapi` writes it (run it after changing a route, schema or view)', () => {
    expect(committed(), 'docs/openapi.json is stale: run `npm run openapi`').toEqual(JSON.parse(JSON.stringify(built)));
  });

  it('is served by GET /openapi.json exactly as committed', () => {
    expect(JSON.parse(gunzipSync(Buffer.from(OPENAPI_GZIP_BASE64, 'base64')).toString('utf8'))).toEqual(committed());
  });

  it('documents every route of the route table, with its groups as the security of the operation', () => {
    const document = committed() as Document;
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path} is missing from docs/openapi.json`).toBeDefined();
      if (route.access === 'public') {
        expect(operation!.security).toEqual([]);
        expect(operation!['x-signoff-groups']).toBeUndefined();
      } else {
        expect(operation!.security).toEqual([{ cognito: [] }]);
        expect(operation!['x-signoff-groups']).toEqual([...route.access]);
        expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['401', '403', '500']));
      }
    }
  });

  it('takes the path, query and body schemas from the handlers that validate them', async () => {
    for (const route of await contractRoutes()) {
      const operation = built.paths[route.path]![route.method.toLowerCase()]!;
      const named = (where: string) => operation.parameters.filter((p) => p.in === where).map((p) => p.name);
      expect(named('path'), route.name).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      const { params, query, body } = route.contract ?? {};
      if (params && 'entries' in params) expect(named('path')).toEqual(Object.keys(params.entries as object));
      if (query) expect(named('query').length, `${route.name} query`).toBeGreaterThan(0);
      expect(operation.requestBody !== undefined, `${route.name} body`).toBe(body !== undefined);
    }
    const create = built.paths['/tickets/{ticketId}/approval']!.post!.requestBody!.content['application/json'].schema;
    // `recipients` or `stages` (one of them, checked by the schema's pipe): neither is required alone.
    expect(create).toMatchObject({ required: ['ticket'], additionalProperties: false });
    expect(Object.keys((create as { properties: object }).properties)).toEqual(expect.arrayContaining(['recipients', 'stages']));
  });

  it('names every error code the code can answer with in the Error schema', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const thrown = new Set<string>();
    for (const file of sources(join(REPO_ROOT, 'functions'))) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/new \w+Error\(\s*'([a-z_]+)'/g)) thrown.add(code!);
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/\bsuper\(\s*'([a-z_]+)'/g)) thrown.add(code!);
    }
    expect(thrown.size).toBeGreaterThan(15);
    expect([...thrown].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    const documented = built.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(documented.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
  });

  it('describes every webhook event type in its webhooks section', () => {
    expect(Object.keys(built.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it('passes Redocly lint (recommended-strict: no errors, no warnings)', async () => {
    const redocly = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const run = promisify(execFile)(redocly, ['lint', DOCUMENT_FILE, '--config', join(REPO_ROOT, 'redocly.yaml')], { env, cwd: REPO_ROOT });
    const { stdout, stderr } = await run.catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`redocly lint failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
  }, 120_000);
});

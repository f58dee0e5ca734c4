import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROUTES, type RouteDefinition } from '../../functions/handlers/routes.js';
import type { RouteContract } from '../../functions/http/route.js';
import { createWebhookBody, webhookParams } from '../../functions/http/webhook-schemas.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

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
      const module = (await import(pathToFileURL(join(REPO_ROOT, route.entry)).href)) as { handler: { contract?: RouteContract } };
      const { contract } = module.handler;
      if (!contract) throw new Error(`${route.entry} does not build its handler with route(): its schemas are unknown.`);
      return { method, path, access, name, contract };
    }),
  );
  const shapes = new Set(built.map((r) => routeShape(r.method, r.path)));
  return [...built, ...PLANNED_ROUTES.filter((r) => !shapes.has(routeShape(r.method, r.path)))];
}

/**
 * What each handler may touch: the grants of its row in functions/handlers/routes.ts, plus the
 * Idempotency-Key records for every route that takes them. Roles and environments are built
 * from this (lib/handlers.ts), so a handler gets exactly the DynamoDB actions, indexes, Cognito
 * actions, SES permission and settings its code uses.
 */
import { allHandlers, type Grants, type HandlerName, type Job, type Route, type TableAction } from '../functions/handlers/routes.js';

export type { CognitoAction, Grants as HandlerAccess, Setting, TableAction } from '../functions/handlers/routes.js';

/**
 * http/idempotency.ts on every POST, PUT and DELETE with a token: start (Put), replay (Get),
 * complete (Update), release after an error (Delete) of the IDEM# record.
 */
export const IDEMPOTENCY: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

const usesIdempotency = (handler: Route | Job) => 'method' in handler && handler.access !== 'public' && handler.method !== 'GET';

export function handlerNamed(name: HandlerName): Route | Job {
  const handler = allHandlers().find((h) => h.name === name);
  if (!handler) throw new Error(`no route or job named ${name} in functions/handlers/routes.ts`);
  return handler;
}

/** What a handler may touch: its row's grants, and the Idempotency-Key records if its route takes them. */
export function handlerAccess(name: HandlerName): Grants {
  const handler = handlerNamed(name);
  const grants: Grants = handler.grants;
  if (!usesIdempotency(handler)) return grants;
  return { ...grants, table: [...new Set([...(grants.table ?? []), ...IDEMPOTENCY])] };
}

export const usesTable = (access: Grants) => (access.table?.length ?? 0) + (access.indexes?.length ?? 0) > 0;

import { json } from '../../http/responses.js';
import { pageQuery } from '../../http/schemas.js';
import { approverOf, myApprovals } from '../../services/portal.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.listMyApprovals, { query: pageQuery() }, async ({ caller, query }) =>
  json(200, await myApprovals(await approverOf(caller), query)),
);

import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { pageQuery } from '../../http/schemas.js';
import { APPROVER_GROUPS } from '../../identity/groups.js';
import { approverOf, myApprovals } from '../../services/portal.js';

export const handler = route({ access: APPROVER_GROUPS, query: pageQuery() }, async ({ caller, query }) =>
  json(200, await myApprovals(await approverOf(caller), query)),
);

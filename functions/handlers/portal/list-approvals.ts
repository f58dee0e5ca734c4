import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { approverOf, myApprovals } from '../../services/portal.js';
import * as routes from '../routes.js';

export const handler = route(routes.listMyApprovals, {}, async ({ caller }) =>
  json(200, { approvals: await myApprovals(await approverOf(caller)) }),
);

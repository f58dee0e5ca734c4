import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { APPROVER_GROUPS } from '../../identity/groups.js';
import { approverOf, myApprovals } from '../../services/portal.js';

export const handler = route({ access: APPROVER_GROUPS }, async ({ caller }) =>
  json(200, { approvals: await myApprovals(await approverOf(caller)) }),
);

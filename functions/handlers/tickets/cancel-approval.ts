import { noContent } from '../../http/responses.js';
import { ticketParams } from '../../http/schemas.js';
import { technicianActor } from '../../services/actors.js';
import { cancelApproval } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.cancelApproval, { params: ticketParams() }, async ({ params, caller }) => {
  await cancelApproval(params.ticketId, technicianActor(caller));
  return noContent();
});

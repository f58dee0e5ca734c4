import { json } from '../../http/responses.js';
import { createApprovalBody, ticketParams } from '../../http/schemas.js';
import { approvalView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { createApproval } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.createApproval,
  { params: ticketParams(), body: createApprovalBody() },
  async ({ params, body, caller }) => json(201, approvalView(await createApproval(params.ticketId, body, technicianActor(caller)))),
);

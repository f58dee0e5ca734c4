import { json } from '../../http/responses.js';
import { ticketParams } from '../../http/schemas.js';
import { approvalView } from '../../http/views.js';
import { getApproval } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getApproval, { params: ticketParams() }, async ({ params }) =>
  json(200, approvalView(await getApproval(params.ticketId))),
);

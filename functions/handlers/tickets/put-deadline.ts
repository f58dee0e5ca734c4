import { json } from '../../http/responses.js';
import { putDeadlineBody, ticketParams } from '../../http/schemas.js';
import { approvalView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { updateDeadline } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.putDeadline, { params: ticketParams(), body: putDeadlineBody() }, async ({ params, body, caller }) =>
  json(200, approvalView(await updateDeadline(params.ticketId, body, technicianActor(caller)))),
);

import { json } from '../../http/responses.js';
import { ticketParams, ticketSnapshot } from '../../http/schemas.js';
import { technicianActor } from '../../services/actors.js';
import { putTicket } from '../../services/tickets.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.putTicket, { params: ticketParams(), body: ticketSnapshot() }, async ({ params, body, caller }) =>
  json(200, await putTicket(params.ticketId, body, technicianActor(caller))),
);

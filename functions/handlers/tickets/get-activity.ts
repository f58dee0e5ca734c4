import { json } from '../../http/responses.js';
import { pageQuery, ticketParams } from '../../http/schemas.js';
import { ticketActivity } from '../../services/tickets.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getActivity, { params: ticketParams(), query: pageQuery() }, async ({ params, query }) =>
  json(200, await ticketActivity(params.ticketId, query)),
);

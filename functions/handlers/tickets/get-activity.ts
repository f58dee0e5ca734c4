import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { pageQuery, ticketParams } from '../../http/schemas.js';
import { ticketActivity } from '../../services/tickets.js';

export const handler = route({ access: ['technicians'], params: ticketParams(), query: pageQuery() }, async ({ params, query }) =>
  json(200, await ticketActivity(params.ticketId, query)),
);

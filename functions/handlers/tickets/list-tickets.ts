import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { listTicketsQuery } from '../../http/schemas.js';
import { ticketColumn } from '../../services/tickets.js';

export const handler = route({ access: ['technicians'], query: listTicketsQuery() }, async ({ query }) =>
  json(200, await ticketColumn(query)),
);

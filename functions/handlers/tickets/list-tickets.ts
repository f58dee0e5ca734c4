import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { listTicketsQuery } from '../../http/schemas.js';
import { ticketColumn } from '../../services/tickets.js';
import * as routes from '../routes.js';

export const handler = route(routes.listTickets, { query: listTicketsQuery() }, async ({ query }) => json(200, await ticketColumn(query)));

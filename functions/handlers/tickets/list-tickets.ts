import { json } from '../../http/responses.js';
import { listTicketsQuery } from '../../http/schemas.js';
import { ticketColumnView } from '../../http/views.js';
import { ticketColumn } from '../../services/tickets.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.listTickets, { query: listTicketsQuery() }, async ({ query }) => {
  const page = await ticketColumn(query);
  return json(200, { tickets: page.tickets.map(ticketColumnView), next: page.next });
});

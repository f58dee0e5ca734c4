import { json } from '../../http/responses.js';
import { pageQuery, ticketParams } from '../../http/schemas.js';
import { ticketReceipts } from '../../services/receipt-views.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.listTicketReceipts, { params: ticketParams(), query: pageQuery() }, async ({ params, query }) =>
  json(200, await ticketReceipts(params.ticketId, query.limit ?? 50, query.next)),
);

import { json } from '../../http/responses.js';
import { ticketParams } from '../../http/schemas.js';
import { ticketReceipt } from '../../services/receipt-views.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getApprovalReceipt, { params: ticketParams() }, async ({ params }) =>
  json(200, await ticketReceipt(params.ticketId)),
);

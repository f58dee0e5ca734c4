import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { ticketParams } from '../../http/schemas.js';
import { ticketActivity } from '../../services/tickets.js';
import * as routes from '../routes.js';

export const handler = route(routes.getActivity, { params: ticketParams() }, async ({ params }) =>
  json(200, { activity: await ticketActivity(params.ticketId) }),
);

import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { ticketParams } from '../../http/schemas.js';
import { ticketActivity } from '../../services/tickets.js';

export const handler = route({ access: ['technicians'], params: ticketParams() }, async ({ params }) =>
  json(200, { activity: await ticketActivity(params.ticketId) }),
);

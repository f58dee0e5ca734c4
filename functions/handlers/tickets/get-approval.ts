import { approvalView } from '../../domain/views.js';
import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { ticketParams } from '../../http/schemas.js';
import { getApproval } from '../../services/approvals.js';

export const handler = route({ access: ['technicians'], params: ticketParams() }, async ({ params }) =>
  json(200, approvalView(await getApproval(params.ticketId))),
);

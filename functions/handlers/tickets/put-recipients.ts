import { json } from '../../http/responses.js';
import { putRecipientsBody, ticketParams } from '../../http/schemas.js';
import { approvalView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { updateRecipients } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.putRecipients,
  { params: ticketParams(), body: putRecipientsBody() },
  async ({ params, body, caller }) =>
    json(200, approvalView(await updateRecipients(params.ticketId, body.recipients, technicianActor(caller)))),
);

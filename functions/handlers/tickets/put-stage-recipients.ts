import { json } from '../../http/responses.js';
import { putStageRecipientsBody, stageParams } from '../../http/schemas.js';
import { approvalView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { updateStageRecipients } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.putStageRecipients,
  { params: stageParams(), body: putStageRecipientsBody() },
  async ({ params, body, caller }) =>
    json(200, approvalView(await updateStageRecipients(params.ticketId, params.index, body.recipients, technicianActor(caller)))),
);

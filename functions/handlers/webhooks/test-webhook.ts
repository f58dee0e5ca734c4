import { json } from '../../http/responses.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { technicianActor } from '../../services/actors.js';
import { sendTestEvent } from '../../services/webhooks.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.testWebhook, { params: webhookParams() }, async ({ params, caller }) =>
  json(202, await sendTestEvent(params.id, technicianActor(caller))),
);

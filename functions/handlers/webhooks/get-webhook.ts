import { json } from '../../http/responses.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { getWebhook } from '../../services/webhooks.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getWebhook, { params: webhookParams() }, async ({ params }) => json(200, await getWebhook(params.id)));

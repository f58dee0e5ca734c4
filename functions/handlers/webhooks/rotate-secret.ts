import { json } from '../../http/responses.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { rotateWebhookSecret } from '../../services/webhook-secrets.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.rotateWebhookSecret, { params: webhookParams() }, async ({ params }) =>
  json(200, await rotateWebhookSecret(params.id)),
);

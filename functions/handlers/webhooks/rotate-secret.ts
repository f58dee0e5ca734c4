import { json } from '../../http/responses.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { rotateWebhookSecret } from '../../services/webhook-secrets.js';
import * as routes from '../routes.js';
import { route } from './secret-route.js';

export const handler = route(routes.rotateWebhookSecret, { params: webhookParams() }, async ({ params }) =>
  json(200, await rotateWebhookSecret(params.id)),
);

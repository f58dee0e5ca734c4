import { json } from '../../http/responses.js';
import { createWebhookBody } from '../../http/webhook-schemas.js';
import { registerWebhook } from '../../services/webhook-secrets.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.createWebhook, { body: createWebhookBody() }, async ({ body }) =>
  json(201, await registerWebhook(body)),
);

import { json } from '../../http/responses.js';
import { createWebhookBody } from '../../http/webhook-schemas.js';
import { registerWebhook } from '../../services/webhook-secrets.js';
import * as routes from '../routes.js';
import { route } from './secret-route.js';

export const handler = route(routes.createWebhook, { body: createWebhookBody() }, async ({ body }) =>
  json(201, await registerWebhook(body)),
);

import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { rotateWebhookSecret } from '../../services/webhook-secrets.js';

export const handler = route({ access: ['technicians'], params: webhookParams() }, async ({ params }) =>
  json(200, await rotateWebhookSecret(params.id)),
);

import { noContent } from '../../http/responses.js';
import { webhookParams } from '../../http/webhook-schemas.js';
import { deleteWebhook } from '../../services/webhooks.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.deleteWebhook, { params: webhookParams() }, async ({ params }) => {
  await deleteWebhook(params.id);
  return noContent();
});

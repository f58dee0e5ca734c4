import { json } from '../../http/responses.js';
import { deliveriesQuery, webhookParams } from '../../http/webhook-schemas.js';
import { webhookDeliveries } from '../../services/webhooks.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.listWebhookDeliveries,
  { params: webhookParams(), query: deliveriesQuery() },
  async ({ params, query }) => json(200, await webhookDeliveries(params.id, query.limit ?? 25, query.next)),
);

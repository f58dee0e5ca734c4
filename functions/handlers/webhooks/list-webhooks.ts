import { json } from '../../http/responses.js';
import { listWebhooks } from '../../services/webhooks.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.listWebhooks, {}, async () => json(200, { webhooks: await listWebhooks() }));

import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { listWebhooks } from '../../services/webhooks.js';

export const handler = route({ access: ['technicians'] }, async () => json(200, { webhooks: await listWebhooks() }));

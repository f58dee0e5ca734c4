import { publicRoute } from '../http/public-route.js';
import { json } from '../http/responses.js';

export const handler = publicRoute(async () => json(200, { status: 'ok' }));

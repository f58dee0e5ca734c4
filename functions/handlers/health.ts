import { publicRoute } from '../http/public-route.js';
import { json } from '../http/responses.js';
import * as routes from './routes.js';

export const handler = publicRoute(routes.health, async () => json(200, { status: 'ok' }));

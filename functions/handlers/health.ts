import { json } from '../http/responses.js';
import { route } from '../http/route.js';

export const handler = route({ access: 'public' }, async () => json(200, { status: 'ok' }));

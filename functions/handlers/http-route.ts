import { routeWith } from '../http/route.js';
import { idempotencyStore } from '../store/idempotency-repository.js';

/** The http layer's `route`, wired to the store's Idempotency-Key records: what every token route uses. */
export const route = routeWith({ idempotency: idempotencyStore });

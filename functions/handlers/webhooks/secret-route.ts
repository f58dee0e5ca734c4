import { routeWith } from '../../http/route.js';
import { idempotencyStore } from '../../store/idempotency-repository.js';
import { sealedReplies } from '../../webhooks/sealed-replies.js';

/** `route` for the handlers whose reply carries a webhook secret: an Idempotency-Key keeps it sealed. */
export const route = routeWith({ idempotency: sealedReplies(idempotencyStore) });

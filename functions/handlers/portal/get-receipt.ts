import { json } from '../../http/responses.js';
import { requestParams } from '../../http/schemas.js';
import { approverOf, requestFor } from '../../services/portal.js';
import { requestReceipt } from '../../services/receipt-views.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getMyReceipt, { params: requestParams() }, async ({ params, caller }) => {
  // Only the request's recipients see its receipt; anyone else gets the 404 of the request itself.
  await requestFor(params.requestId, await approverOf(caller), { conversation: false });
  return json(200, await requestReceipt(params.requestId));
});

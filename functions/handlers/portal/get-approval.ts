import { json } from '../../http/responses.js';
import { requestParams } from '../../http/schemas.js';
import { portalView } from '../../http/views.js';
import { approverOf, myApproval } from '../../services/portal.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getMyApproval, { params: requestParams() }, async ({ params, caller }) => {
  const { request, recipient } = await myApproval(params.requestId, await approverOf(caller));
  return json(200, portalView(request, recipient));
});

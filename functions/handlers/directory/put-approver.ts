import { json } from '../../http/responses.js';
import { approverParams, putApproverBody } from '../../http/schemas.js';
import { approverView } from '../../http/views.js';
import { putApprover } from '../../services/directory.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.putApprover, { params: approverParams(), body: putApproverBody() }, async ({ params, body }) => {
  const { created, entry } = await putApprover(params.approverId, body);
  return json(created ? 201 : 200, approverView(entry));
});

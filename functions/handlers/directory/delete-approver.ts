import { noContent } from '../../http/responses.js';
import { approverParams } from '../../http/schemas.js';
import { deleteApprover } from '../../services/directory.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.deleteApprover, { params: approverParams() }, async ({ params }) => {
  await deleteApprover(params.approverId);
  return noContent();
});

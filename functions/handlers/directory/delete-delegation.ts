import { noContent } from '../../http/responses.js';
import { approverParams } from '../../http/schemas.js';
import { clearDelegation } from '../../services/delegation.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.deleteDelegation, { params: approverParams() }, async ({ params }) => {
  await clearDelegation(params.approverId);
  return noContent();
});

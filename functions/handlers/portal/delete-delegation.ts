import { noContent } from '../../http/responses.js';
import { clearDelegation } from '../../services/delegation.js';
import { approverOf } from '../../services/portal.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.deleteMyDelegation, {}, async ({ caller }) => {
  await clearDelegation((await approverOf(caller)).approverId);
  return noContent();
});

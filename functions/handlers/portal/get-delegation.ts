import { json } from '../../http/responses.js';
import { delegationView } from '../../http/views.js';
import { currentDelegation } from '../../services/delegation.js';
import { approverOf } from '../../services/portal.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getMyDelegation, {}, async ({ caller }) =>
  json(200, delegationView(await currentDelegation((await approverOf(caller)).approverId))),
);

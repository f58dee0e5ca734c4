import { json } from '../../http/responses.js';
import { putDelegationBody } from '../../http/schemas.js';
import { delegationView } from '../../http/views.js';
import { setDelegation } from '../../services/delegation.js';
import { approverOf } from '../../services/portal.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.putMyDelegation, { body: putDelegationBody() }, async ({ body, caller }) =>
  json(200, delegationView(await setDelegation((await approverOf(caller)).approverId, body))),
);

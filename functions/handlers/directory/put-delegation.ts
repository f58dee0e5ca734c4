import { json } from '../../http/responses.js';
import { approverParams, putDelegationBody } from '../../http/schemas.js';
import { delegationView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { setDelegation } from '../../services/delegation.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.putDelegation,
  { params: approverParams(), body: putDelegationBody() },
  async ({ params, body, caller }) => json(200, delegationView(await setDelegation(params.approverId, body, technicianActor(caller)))),
);

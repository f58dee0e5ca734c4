import { json } from '../../http/responses.js';
import { approverParams } from '../../http/schemas.js';
import { delegationView } from '../../http/views.js';
import { currentDelegation } from '../../services/delegation.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.getDelegation, { params: approverParams() }, async ({ params }) =>
  json(200, delegationView(await currentDelegation(params.approverId))),
);

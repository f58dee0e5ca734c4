import { json } from '../../http/responses.js';
import { requestParams, respondBody } from '../../http/schemas.js';
import { portalView } from '../../http/views.js';
import { answerAs } from '../../services/answers.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(
  routes.respond,
  { params: requestParams(), body: respondBody() },
  async ({ params, body, caller, deadline }) => {
    const { request, recipient } = await answerAs(params.requestId, caller, body, { deadline });
    return json(200, portalView(request, recipient));
  },
);

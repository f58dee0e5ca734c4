import { json } from '../../http/responses.js';
import { listApproversQuery } from '../../http/schemas.js';
import { approverView } from '../../http/views.js';
import { listDirectory } from '../../services/directory-listing.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.listApprovers, { query: listApproversQuery() }, async ({ query }) => {
  const { entries, next } = await listDirectory(query);
  return json(200, { approvers: entries.map(approverView), next });
});

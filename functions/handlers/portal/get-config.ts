import * as config from '../../config.js';
import { publicRoute } from '../../http/public-route.js';
import { json } from '../../http/responses.js';
import { PORTAL_TITLES } from '../../identity/groups.js';
import * as routes from '../routes.js';

/** What the portal page needs to sign approvers in; public, and nothing secret. */
export const handler = publicRoute(routes.portalConfig, async () =>
  json(200, {
    region: config.region(),
    userPoolId: config.userPoolId(),
    clientId: config.portalClientId(),
    cognitoEndpoint: config.cognitoEndpoint() ?? `https://cognito-idp.${config.region()}.amazonaws.com/`,
    title: 'Approvals',
    titles: PORTAL_TITLES,
  }),
);

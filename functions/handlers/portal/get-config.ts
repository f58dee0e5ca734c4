import { config } from '../../config.js';
import { json } from '../../http/responses.js';
import { route } from '../../http/route.js';
import { PORTAL_TITLES } from '../../identity/groups.js';

/** What the portal page needs to sign approvers in; public, and nothing secret. */
export const handler = route({ access: 'public' }, async () =>
  json(200, {
    region: config.region(),
    userPoolId: config.userPoolId(),
    clientId: config.portalClientId(),
    cognitoEndpoint: config.cognitoEndpoint() ?? `https://cognito-idp.${config.region()}.amazonaws.com/`,
    title: 'Approvals',
    titles: PORTAL_TITLES,
  }),
);

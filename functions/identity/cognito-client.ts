import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import * as config from '../config.js';

export const cognito = new CognitoIdentityProviderClient({
  region: config.region(),
  ...(config.cognitoEndpoint() ? { endpoint: config.cognitoEndpoint() } : {}),
});

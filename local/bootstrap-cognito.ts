import {
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GroupExistsException,
  ListGroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { GROUPS } from '../functions/handlers/routes.js';

export interface UserPoolIds {
  userPoolId: string;
  portalClientId: string;
  helpdeskClientId: string;
}

const exists = async (check: () => Promise<unknown>): Promise<boolean> => {
  try {
    await check();
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
};

const stillExists = async (client: CognitoIdentityProviderClient, ids: UserPoolIds): Promise<boolean> => {
  const { userPoolId: UserPoolId } = ids;
  if (!(await exists(() => client.send(new DescribeUserPoolCommand({ UserPoolId }))))) return false;
  for (const ClientId of [ids.portalClientId, ids.helpdeskClientId]) {
    if (!(await exists(() => client.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))))) return false;
  }
  return true;
};

const listGroupNames = async (client: CognitoIdentityProviderClient, userPoolId: string) => {
  const names = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, NextToken }));
    for (const group of page.Groups ?? []) if (group.GroupName) names.add(group.GroupName);
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
};

// cognito-local's CreateGroup silently replaces an existing group, members and all, so only
// missing groups are created. (Its GetGroup answers 500, not ResourceNotFound, in a pool
// without groups, hence ListGroups.)
const ensureGroups = async (client: CognitoIdentityProviderClient, userPoolId: string) => {
  const existing = await listGroupNames(client, userPoolId);
  for (const GroupName of GROUPS) {
    if (existing.has(GroupName)) continue;
    try {
      await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }));
    } catch (error) {
      if (!(error instanceof GroupExistsException)) throw error;
    }
  }
};

const createClient = async (client: CognitoIdentityProviderClient, userPoolId: string, clientName: string) => {
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const clientId = created.UserPoolClient?.ClientId;
  if (!clientId) throw new Error(`CreateUserPoolClient returned no id for ${clientName}`);
  return clientId;
};

/**
 * Reuses the pool and clients in `existing` while they are still there (cognito-local keeps
 * them in its data folder); otherwise creates a pool where users sign in with their email.
 */
export const ensureUserPool = async (options: {
  client: CognitoIdentityProviderClient;
  poolName: string;
  existing?: UserPoolIds;
}): Promise<UserPoolIds> => {
  const { client, poolName, existing } = options;
  if (existing && (await stillExists(client, existing))) {
    await ensureGroups(client, existing.userPoolId);
    return existing;
  }
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: poolName,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      // cognito-local stores but does not enforce the policy; the flags are spelled out because
      // it reports missing ones as true.
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireUppercase: false,
          RequireLowercase: false,
          RequireNumbers: false,
          RequireSymbols: false,
        },
      },
    }),
  );
  const userPoolId = pool.UserPool?.Id;
  if (!userPoolId) throw new Error('CreateUserPool returned no id');
  await ensureGroups(client, userPoolId);
  return {
    userPoolId,
    portalClientId: await createClient(client, userPoolId, `${poolName}-portal`),
    helpdeskClientId: await createClient(client, userPoolId, `${poolName}-helpdesk`),
  };
};

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as config from '../config.js';
import type { ApproverKind } from '../domain/types.js';
import { cognito } from './cognito-client.js';
import { groupOfKind } from './groups.js';

export interface Login {
  username: string;
  sub: string;
}

const subOf = (attributes: AttributeType[] | undefined) => attributes?.find((a) => a.Name === 'sub')?.Value;

/**
 * Makes sure the approver can sign in to their portal: a Cognito user for the email (invited
 * with a temporary password by Cognito's own mail), enabled, in the group of their kind. An
 * existing user with that email (a relisted approver) is adopted, not duplicated.
 */
export async function provisionLogin(input: {
  email: string;
  name: string;
  kind: ApproverKind;
  previousKind?: ApproverKind;
}): Promise<Login> {
  const username = input.email.toLowerCase();
  const userPoolId = config.userPoolId();
  let sub: string | undefined;
  try {
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: input.name },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    sub = subOf(created.User?.Attributes);
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
  }
  if (!sub) {
    const existing = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    sub = subOf(existing.UserAttributes);
  }
  if (!sub) throw new Error('Cognito returned a user without a sub');
  if (input.previousKind && input.previousKind !== input.kind) {
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: groupOfKind(input.previousKind) }),
    );
  }
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: groupOfKind(input.kind) }));
  return { username, sub };
}

/**
 * Stops new sign-ins. Tokens already issued stay valid until they expire (and cognito-local
 * does not enforce disabling at all), so the API checks the directory on every approver call.
 */
export async function disableLogin(username: string): Promise<void> {
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: config.userPoolId(), Username: username }));
}

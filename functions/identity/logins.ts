import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as config from '../config.js';
import { ConflictError } from '../domain/errors.js';
import type { ApproverKind } from '../domain/types.js';
import { cognito } from './cognito-client.js';
import { APPROVER_GROUPS, groupOfKind } from './groups.js';

export interface Login {
  username: string;
  sub: string;
}

const subOf = (attributes: AttributeType[] | undefined) => attributes?.find((a) => a.Name === 'sub')?.Value;

/**
 * The groups of a login outside `users` and `contacts` (a technician's), if any. Asked by the
 * user's own username (AdminGetUser): with email sign-in it is not the email (cognito-local
 * matches group members by it only). The pool has three groups.
 */
async function otherGroups(email: string): Promise<string[]> {
  const UserPoolId = config.userPoolId();
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: email }));
  const { Groups } = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: user.Username ?? email, Limit: 60 }));
  return (Groups ?? []).map((g) => g.GroupName ?? '').filter((name) => !(APPROVER_GROUPS as readonly string[]).includes(name));
}

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
    // Another group's login (a technician) is never adopted as an approver's: it would be
    // disabled at the delisting, and its sign-ins would count as the approver's.
    const others = await otherGroups(username);
    if (others.length > 0) {
      throw new ConflictError('email_in_use', `The email ${username} belongs to a login that is not an approver's; use another address.`);
    }
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
 * Stops new sign-ins of an approver's login that is no longer theirs (delisted, or replaced by a
 * new email). Tokens already issued stay valid until they expire (and cognito-local does not
 * enforce disabling at all), so the API checks the directory on every approver call. A login that
 * is also in another group (a technician's) is never disabled: it only leaves the approver group.
 */
export async function retireLogin(username: string, kind: ApproverKind): Promise<void> {
  const userPoolId = config.userPoolId();
  if ((await otherGroups(username)).length > 0) {
    await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: groupOfKind(kind) }));
    return;
  }
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
}

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DemoApprover, LocalInfo } from './local-info.js';

export const DEMO_TECHNICIAN = { email: 'tess.tech@signoff.local', name: 'Tess Technician', password: 'Technician-demo-1' };

export const DEMO_APPROVERS: DemoApprover[] = [
  { approverId: 'u-alice', kind: 'user', name: 'Alice Anders', email: 'alice@signoff.local', password: 'Approver-demo-1' },
  { approverId: 'u-bob', kind: 'user', name: 'Bob Berg', email: 'bob@signoff.local', password: 'Approver-demo-1' },
  { approverId: 'c-carol', kind: 'contact', name: 'Carol Customer', email: 'carol@customer.example', password: 'Approver-demo-1' },
  { approverId: 'c-dan', kind: 'contact', name: 'Dan Dealer', email: 'dan@customer.example', password: 'Approver-demo-1' },
];

async function setPassword(cognito: CognitoIdentityProviderClient, userPoolId: string, email: string, password: string) {
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }));
}

/**
 * The demo: one technician and four approvers (two listed users, two listed contacts), each
 * able to sign in with a known password. Approvers go through the directory service, exactly
 * as `PUT /directory/approvers/{id}` would. Safe to run on every start.
 */
export async function seedDemo(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<LocalInfo['demo']> {
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: DEMO_TECHNICIAN.email,
        UserAttributes: [
          { Name: 'email', Value: DEMO_TECHNICIAN.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: DEMO_TECHNICIAN.name },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
  }
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: DEMO_TECHNICIAN.email, GroupName: 'technicians' }));
  await setPassword(cognito, userPoolId, DEMO_TECHNICIAN.email, DEMO_TECHNICIAN.password);

  const { putApprover } = await import('../functions/services/directory.js');
  for (const approver of DEMO_APPROVERS) {
    await putApprover(approver.approverId, { kind: approver.kind, email: approver.email, name: approver.name });
    await setPassword(cognito, userPoolId, approver.email, approver.password);
  }
  return { technician: DEMO_TECHNICIAN, approvers: DEMO_APPROVERS };
}

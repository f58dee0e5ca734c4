import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What cognito-local "mails": the temporary password of an invited user and the code of a
 * password reset. It prints both in its log (`<stateDir>/logs/cognito.log`), but under the
 * test stack that log reaches the disk seconds late and in bursts, so tests read the same
 * values from the user record cognito-local saves before it answers the API call.
 */
interface StoredUser {
  UserStatus: string;
  Password: string;
  ConfirmationCode?: string;
  Attributes: { Name: string; Value: string }[];
}

async function userRecord(stateDir: string, userPoolId: string, email: string): Promise<StoredUser | undefined> {
  const file = join(stateDir, 'cognito', '.cognito', 'db', `${userPoolId}.json`);
  const db = JSON.parse(await readFile(file, 'utf8')) as { Users?: Record<string, StoredUser> };
  return Object.values(db.Users ?? {}).find((u) => u.Attributes.some((a) => a.Name === 'email' && a.Value === email));
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`cognito-local has no ${what}`);
}

/** The temporary password Cognito's invitation would mail to a newly listed approver. */
export function temporaryPassword(stateDir: string, userPoolId: string, email: string): Promise<string> {
  return poll(`temporary password for ${email}`, async () => {
    const user = await userRecord(stateDir, userPoolId, email);
    return user?.UserStatus === 'FORCE_CHANGE_PASSWORD' ? user.Password : undefined;
  });
}

/** The code a ForgotPassword call mailed to `email`. */
export function resetCode(stateDir: string, userPoolId: string, email: string): Promise<string> {
  return poll(`reset code for ${email}`, async () => (await userRecord(stateDir, userPoolId, email))?.ConfirmationCode);
}

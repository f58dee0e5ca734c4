import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { ApproverKind } from '../domain/types.js';
import { provisionLogin, retireLogin } from '../identity/logins.js';
import { type DirectoryEntry, delistApprover, emailOwner, getApprover, saveApprover } from '../store/directory-repository.js';

export interface PutApproverInput {
  kind: ApproverKind;
  email: string;
  name: string;
}

/**
 * Lists or updates an approver and provisions their portal login. The email is checked before
 * Cognito is touched (a clear 409 without side effects) and guarded again in the write.
 */
export async function putApprover(approverId: string, input: PutApproverInput): Promise<{ created: boolean; entry: DirectoryEntry }> {
  const email = input.email.toLowerCase();
  const [previous, owner] = await Promise.all([getApprover(approverId), emailOwner(email)]);
  // Ids travel in URL paths and access logs; an email-like id would put addresses there.
  // Ids listed before this rule keep working.
  if (!previous && approverId.includes('@')) {
    throw new ValidationError('invalid_approver_id', 'A new approver id may not contain "@"; use an id that is not an email address.', {
      details: { issues: [{ path: 'path.approverId', message: 'may not contain "@" (new approvers)' }] },
    });
  }
  if (owner && owner !== approverId) throw new ConflictError('duplicate_email', `The email ${email} is already used by another approver.`);
  const now = new Date().toISOString();
  const needsLogin = !previous?.login || !previous.listed || previous.email.toLowerCase() !== email || previous.kind !== input.kind;
  const login = needsLogin
    ? await provisionLogin({ email, name: input.name, kind: input.kind, ...(previous?.listed ? { previousKind: previous.kind } : {}) })
    : previous.login;
  const entry: DirectoryEntry = {
    approverId,
    kind: input.kind,
    name: input.name,
    email,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    listed: true,
    login,
  };
  await saveApprover(entry, previous);
  if (previous?.login && previous.login.username !== login?.username) await retireLogin(previous.login.username, previous.kind);
  return { created: !previous?.listed, entry };
}

export async function deleteApprover(approverId: string): Promise<void> {
  const entry = await getApprover(approverId);
  if (!entry?.listed) throw new NotFoundError('not_found', `No listed approver ${approverId}.`);
  await delistApprover(entry, new Date().toISOString());
  if (entry.login) await retireLogin(entry.login.username, entry.kind);
}

import type { ApproverKind } from '../domain/types.js';
import { type DirectoryEntry, listApprovers } from '../store/directory-repository.js';

/** Listed approvers, by kind; apart from directory.ts so listing never loads the Cognito client. */
export async function listDirectory(kind: ApproverKind | undefined): Promise<DirectoryEntry[]> {
  const kinds: ApproverKind[] = kind ? [kind] : ['user', 'contact'];
  const lists = await Promise.all(kinds.map(listApprovers));
  return lists.flat();
}

import type { ApproverKind } from '../domain/types.js';
import { type DirectoryEntry, listApprovers } from '../store/directory-repository.js';
import { PAGE } from '../store/paging.js';

/** Listed approvers, by kind, a page at a time; apart from directory.ts so listing never loads the Cognito client. */
export async function listDirectory(query: {
  kind?: ApproverKind | undefined;
  limit?: number | undefined;
  next?: string | undefined;
}): Promise<{ entries: DirectoryEntry[]; next: string | null }> {
  const kinds: ApproverKind[] = query.kind ? [query.kind] : ['user', 'contact'];
  return listApprovers(kinds, query.limit ?? PAGE.max, query.next);
}

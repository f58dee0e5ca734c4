import type { ApproverKind } from '../domain/types.js';

export type ApproverGroup = 'users' | 'contacts';

/** Listed users sign in to the Service Portal, listed contacts to the Customer Portal. */
export function groupOfKind(kind: ApproverKind): ApproverGroup {
  return kind === 'user' ? 'users' : 'contacts';
}

export const PORTAL_TITLES = { users: 'Service Portal', contacts: 'Customer Portal' } as const;

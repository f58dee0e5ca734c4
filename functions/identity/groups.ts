import type { ApproverKind } from '../domain/types.js';

/** The Cognito groups: who may call what is decided by them (routes.ts). */
export const GROUPS = ['technicians', 'users', 'contacts'] as const;
export type Group = (typeof GROUPS)[number];

/** Approvers sign in to the portal in one of these. */
export const APPROVER_GROUPS = ['users', 'contacts'] as const satisfies readonly Group[];
export type ApproverGroup = (typeof APPROVER_GROUPS)[number];

/** Listed users sign in to the Service Portal, listed contacts to the Customer Portal. */
export function groupOfKind(kind: ApproverKind): ApproverGroup {
  return kind === 'user' ? 'users' : 'contacts';
}

export const PORTAL_TITLES = { users: 'Service Portal', contacts: 'Customer Portal' } as const;

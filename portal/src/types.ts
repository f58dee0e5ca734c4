import type { RecipientStatus, RequestStatus } from '../../functions/domain/types.js';
import type { delegationView, portalView } from '../../functions/http/views.js';

/** `GET /portal/approvals/{id}` and the answer to a response: the request as its recipient sees it. */
export type ApprovalView = ReturnType<typeof portalView>;

/** One line of `GET /portal/approvals`. */
export interface ApprovalSummary {
  requestId: string;
  status: RequestStatus;
  ticket: { number: string; subject: string; requester: { name: string; email: string } };
  requestedBy: { name: string | null; email: string | null };
  createdAt: string;
  you: { status: RecipientStatus; respondedAt: string | null };
}

export type Action = 'approve' | 'decline' | 'feedback';
export const ACTIONS: readonly Action[] = ['approve', 'decline', 'feedback'];

export type PortalKind = 'users' | 'contacts';

export interface ResponseBody {
  decision?: 'approve' | 'decline';
  feedback?: string;
  /** The content hash of the page the answer was given on (API.md: a changed one gets 409 content_changed). */
  contentHash?: string;
}

/** `GET /portal/delegation`: the approver's substitute while away. */
export type Delegation = NonNullable<ReturnType<typeof delegationView>['delegation']>;

export interface DelegationBody {
  substituteId: string;
  from?: string;
  until: string;
  note?: string;
}

import type { RecipientStatus, RequestStatus } from '../../../functions/domain/types.js';
import { STATUS_LABELS } from '../../../functions/http/views.js';

const OPEN: readonly RequestStatus[] = ['pending', 'partially_approved'];
export const isOpen = (status: RequestStatus) => OPEN.includes(status);

const REQUEST_TONE: Record<RequestStatus, string> = {
  pending: 'waiting',
  partially_approved: 'progress',
  approved: 'good',
  declined: 'bad',
  canceled: 'muted',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return <span class={`badge badge-${REQUEST_TONE[status]}`}>{STATUS_LABELS[status]}</span>;
}

/** The approver's own part, in words about them. */
export function yourStatusLabel(you: RecipientStatus, request: RequestStatus): { label: string; tone: string } {
  if (you === 'approved') return { label: 'You approved', tone: 'good' };
  if (you === 'declined') return { label: 'You declined', tone: 'bad' };
  if (you === 'removed') return { label: 'No longer needed', tone: 'muted' };
  if (!isOpen(request)) return { label: 'Closed', tone: 'muted' };
  return { label: 'Waiting for you', tone: 'waiting' };
}

export function YourStatusBadge({ you, request }: { you: RecipientStatus; request: RequestStatus }) {
  const { label, tone } = yourStatusLabel(you, request);
  return <span class={`badge badge-${tone}`}>{label}</span>;
}

import { randomUUID } from 'node:crypto';
import { createRequest } from '../../functions/domain/approval-request.js';
import type { Approver, Deadline } from '../../functions/domain/types.js';
import { approver, technician, ticket } from '../domain/fixtures.js';

/**
 * A request for these approvers saved straight into the store, as POST /tickets/{id}/approval
 * would save it (its outbox entry included). For tests on a table of their own: call after
 * useOwnTable(), since the store reads its settings on first import.
 */
export async function savedRequest(
  approvers: (string | Approver)[],
  options: { remindEveryHours?: number; now?: Date; deadline?: Deadline; stages?: string[][] } = {},
): Promise<{ ticketId: string; requestId: string }> {
  const { saveChange } = await import('../../functions/store/approval-repository.js');
  const { toRequestId } = await import('../../functions/domain/request-id.js');
  const { ulid } = await import('../../functions/store/ids.js');
  const ticketId = `T-${randomUUID().slice(0, 8)}`;
  const change = createRequest({
    id: toRequestId(ticketId, ulid()),
    ticketId,
    ticket,
    approvers: approvers.map((a) => (typeof a === 'string' ? approver(a) : a)),
    policy: { type: 'all' },
    message: null,
    ...(options.remindEveryHours ? { remindEveryHours: options.remindEveryHours } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
    ...(options.stages
      ? {
          stages: options.stages.map((ids) => ({ name: null, policy: { type: 'all' as const }, approvers: ids.map((id) => approver(id)) })),
        }
      : {}),
    actor: technician,
    now: (options.now ?? new Date()).toISOString(),
  });
  await saveChange(change, { snapshot: ticket });
  return { ticketId, requestId: change.after.id };
}

import { z } from 'zod';
import { APPROVER_KINDS, REQUEST_STATUSES } from '../domain/types.js';

/** Limits, and why: */
export const LIMITS = {
  /**
   * Recipients per request: 50. A create writes request + recipients + ticket + activity +
   * outbox in one 100-action transaction, and an edit may replace the whole list; beyond 50
   * approvers an approval is a broadcast, not a sign-off.
   */
  recipients: 50,
  feedback: 4000,
  message: 5000,
  conversationEntries: 200,
  conversationBody: 20000,
  name: 200,
  id: 128,
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);
export const id = z
  .string()
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain letters, digits and . _ : @ - only')
  .min(1)
  .max(LIMITS.id);
const email = z.email().max(254);

export const approverParams = z.object({ approverId: id });
export const ticketParams = z.object({ ticketId: id });
export const reminderParams = z.object({ ticketId: id, approverId: id });
export const requestParams = z.object({ requestId: z.string().min(1).max(400) });

export const putApproverBody = z.strictObject({
  kind: z.enum(APPROVER_KINDS),
  email,
  name: text(LIMITS.name),
});

export const listApproversQuery = z.strictObject({ kind: z.enum(APPROVER_KINDS).optional() });

export const ticketSnapshot = z.strictObject({
  number: text(64),
  subject: text(500),
  requester: z.strictObject({ name: text(LIMITS.name), email }),
  conversation: z
    .array(
      z.strictObject({ author: text(LIMITS.name), body: z.string().max(LIMITS.conversationBody), at: z.iso.datetime({ offset: true }) }),
    )
    .max(LIMITS.conversationEntries)
    .default([]),
});

const recipientList = (min: number) =>
  z
    .array(id)
    .min(min)
    .max(LIMITS.recipients)
    .refine((ids) => new Set(ids).size === ids.length, 'must not list an approver twice');

export const policy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('any') }),
  z.strictObject({ type: z.literal('quorum'), count: z.number().int().min(1).max(LIMITS.recipients) }),
]);

export const createApprovalBody = z.strictObject({
  recipients: recipientList(1),
  message: z.string().trim().max(LIMITS.message).nullish(),
  policy: policy.optional(),
  ticket: ticketSnapshot,
});

export const putRecipientsBody = z.strictObject({ recipients: recipientList(0) });

export const respondBody = z
  .strictObject({
    decision: z.enum(['approve', 'decline']).optional(),
    feedback: text(LIMITS.feedback).optional(),
  })
  .refine((b) => b.decision !== undefined || b.feedback !== undefined, 'needs a decision, feedback, or both');

export const listTicketsQuery = z
  .strictObject({
    ids: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(z.array(id).min(1).max(100))
      .optional(),
    approvalStatus: z
      .enum(REQUEST_STATUSES.filter((s) => s !== 'canceled') as ['pending', 'partially_approved', 'approved', 'declined'])
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .refine((q) => (q.ids === undefined) !== (q.approvalStatus === undefined), 'give either ids or approvalStatus');

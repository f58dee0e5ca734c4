import * as z from 'zod/mini';
import { APPROVER_KINDS } from '../domain/types.js';

/** Limits, and why: */
export const LIMITS = {
  /**
   * Recipients per request: 50. A create writes request + recipients + ticket + activity +
   * outbox in one transaction (at most 100 actions), so any list fits; an edit fits too unless it
   * swaps out more than ~47 people at once (then 422 too_many_changes: cancel and ask anew).
   * Beyond 50 approvers an approval is a broadcast, not a sign-off.
   */
  recipients: 50,
  feedback: 4000,
  message: 5000,
  conversationEntries: 200,
  conversationBody: 20000,
  name: 200,
  id: 128,
} as const;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
export const id = z
  .string()
  .check(z.minLength(1), z.maxLength(LIMITS.id), z.regex(/^[A-Za-z0-9._:@-]+$/, 'may contain letters, digits and . _ : @ - only'));
const email = z.email().check(z.maxLength(254));

export const approverParams = z.object({ approverId: id });
export const ticketParams = z.object({ ticketId: id });
export const reminderParams = z.object({ ticketId: id, approverId: id });
export const requestParams = z.object({ requestId: z.string().check(z.minLength(1), z.maxLength(400)) });

export const putApproverBody = z.strictObject({
  kind: z.enum(APPROVER_KINDS),
  email,
  name: text(LIMITS.name),
});

export const listApproversQuery = z.strictObject({ kind: z.optional(z.enum(APPROVER_KINDS)) });

export const ticketSnapshot = z.strictObject({
  number: text(64),
  subject: text(500),
  requester: z.strictObject({ name: text(LIMITS.name), email }),
  conversation: z._default(
    z
      .array(
        z.strictObject({
          author: text(LIMITS.name),
          body: z.string().check(z.maxLength(LIMITS.conversationBody)),
          at: z.iso.datetime({ offset: true }),
        }),
      )
      .check(z.maxLength(LIMITS.conversationEntries)),
    [],
  ),
});

const recipientList = (min: number) =>
  z.array(id).check(
    z.minLength(min),
    z.maxLength(LIMITS.recipients),
    z.refine((ids) => new Set(ids).size === ids.length, 'must not list an approver twice'),
  );

export const policy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('any') }),
  z.strictObject({ type: z.literal('quorum'), count: z.int().check(z.minimum(1), z.maximum(LIMITS.recipients)) }),
]);

export const createApprovalBody = z.strictObject({
  recipients: recipientList(1),
  message: z.nullish(z.string().check(z.trim(), z.maxLength(LIMITS.message))),
  policy: z.optional(policy),
  /** Extension: remind everyone still pending every N hours (1 to 720) while the request is open. */
  remindEveryHours: z.optional(z.int().check(z.minimum(1), z.maximum(720))),
  ticket: ticketSnapshot,
});

export const putRecipientsBody = z.strictObject({ recipients: recipientList(0) });

export const respondBody = z
  .strictObject({
    decision: z.optional(z.enum(['approve', 'decline'])),
    feedback: z.optional(text(LIMITS.feedback)),
  })
  .check(z.refine((b) => b.decision !== undefined || b.feedback !== undefined, 'needs a decision, feedback, or both'));

const ticketIds = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s: string) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ),
  z.array(id).check(z.minLength(1), z.maxLength(100)),
);

export const listTicketsQuery = z
  .strictObject({
    ids: z.optional(ticketIds),
    approvalStatus: z.optional(z.enum(['pending', 'partially_approved', 'approved', 'declined'])),
    limit: z.optional(z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.minimum(1), z.maximum(100))),
  })
  .check(z.refine((q) => (q.ids === undefined) !== (q.approvalStatus === undefined), 'give either ids or approvalStatus'));

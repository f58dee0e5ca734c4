import * as v from 'valibot';
import { APPROVER_KINDS, CONTENT_CHANGE_MODES, DEADLINE_OUTCOMES } from '../domain/types.js';

/*
 * Request schemas (valibot). Each is built by a function, not at module scope: esbuild keeps
 * every top-level call of a module a bundle imports (it cannot tell a schema builder has no side
 * effects across modules), so schemas as constants would put all of them, and every valibot
 * action they use, into every handler. As functions, a handler bundles only the ones it calls.
 * Why valibot and not zod: see README ("Validation").
 */

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
  /**
   * Approvers a deadline escalates to: 10. The escalation writes the request, up to 50 expired
   * recipients, these, the status, activity and outbox in one transaction (under 100 actions).
   */
  escalateTo: 10,
} as const;

/** The email shape zod's `z.email()` accepts (apostrophes allowed, a dotted domain required). */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
/** RFC 3339 date-time with seconds and a zone (`Z` or `±hh:mm`); the calendar date is checked apart. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const ID = /^[A-Za-z0-9._:@-]+$/;

/** True unless the date-time's day does not exist (2026-02-30); a wrong shape is the regex's to report. */
const isCalendarDate = (dateTime: string) => {
  const day = DATE_TIME.exec(dateTime)?.[1];
  if (day === undefined) return true;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
};

// Text. Lone surrogates (which no UTF-8 can carry: stored, they made our JSON unreadable to jq),
// NUL, ESC and the other control characters are refused; a line (a name, a subject) also refuses
// line breaks and tabs, and loses bidi overrides and zero-width characters, which could make what
// mails and the portal show read differently from what was sent (U+202E) or look empty. ZWNJ and
// ZWJ stay: Persian names and emoji need them. A value with nothing visible left is empty.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const NOTHING_VISIBLE = /^(?:\s|\u200c|\u200d|\u2028|\u2029)*$/u;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = () => v.check((s: string) => !LONE_SURROGATE.test(s), 'must be valid Unicode text (no lone surrogates)');
export const text = (max: number) =>
  v.pipe(
    v.string(),
    wellFormed(),
    v.check((s) => !CONTROL_IN_LINE.test(s), 'must be one line without control characters'),
    v.transform((s) => s.replace(INVISIBLE, '')),
    v.trim(),
    v.check((s) => !NOTHING_VISIBLE.test(s), 'must not be empty'),
    v.maxLength(max),
  );
/** Text that may span lines (a message, feedback, a conversation entry). */
const prose = (max: number) =>
  v.pipe(
    v.string(),
    wellFormed(),
    v.check((s) => !CONTROL_IN_PROSE.test(s), 'must not contain control characters'),
    v.maxLength(max),
  );

// Fields. (text, id and dateTime are exported for the other schema modules, e.g. webhook-schemas.ts.)

export const id = () =>
  v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.id), v.regex(ID, 'may contain letters, digits and . _ : @ - only'));
const email = () => v.pipe(v.string(), v.maxLength(254), v.regex(EMAIL, 'must be an email address'));
export const dateTime = () =>
  v.pipe(
    v.string(),
    v.regex(DATE_TIME, 'must be an ISO-8601 date-time with seconds and a zone, such as 2026-12-01T09:30:00Z'),
    v.check(isCalendarDate, 'must be a real calendar date'),
  );
/** A whole number in a query string: decimal digits only (no `0x10`, `1e2`, ` 5`, `+5` or `5.0`). */
const queryNumber = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^(?:0|[1-9]\d{0,8})$/, 'must be a whole number in decimal digits'),
    v.toNumber(),
    v.minValue(min),
    v.maxValue(max),
  );
const wholeNumber = (min: number, max: number) => v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(min), v.maxValue(max));

const recipientList = (min: number) =>
  v.pipe(
    v.array(id()),
    v.minLength(min),
    v.maxLength(LIMITS.recipients),
    v.check((ids) => new Set(ids).size === ids.length, 'must not list an approver twice'),
  );

// Path parameters. API Gateway hands over exactly the route's own, so strict costs callers
// nothing, and it spares each bundle valibot's second object schema (~1.2 KiB).

export const approverParams = () => v.strictObject({ approverId: id() });
export const ticketParams = () => v.strictObject({ ticketId: id() });
export const reminderParams = () => v.strictObject({ ticketId: id(), approverId: id() });
export const requestParams = () => v.strictObject({ requestId: v.pipe(v.string(), v.minLength(1), v.maxLength(400)) });

// Paging: `limit` (1 to 100) items a page, and the `next` cursor a page gave out (store/paging.ts).

const paging = () => ({ limit: v.optional(queryNumber(1, 100)), next: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(2048))) });

export const pageQuery = () => v.strictObject(paging());

// Directory.

export const putApproverBody = () => v.strictObject({ kind: v.picklist(APPROVER_KINDS), email: email(), name: text(LIMITS.name) });

export const listApproversQuery = () => v.strictObject({ kind: v.optional(v.picklist(APPROVER_KINDS)), ...paging() });

// Tickets and their approval request.

export const ticketSnapshot = () =>
  v.strictObject({
    number: text(64),
    subject: text(500),
    requester: v.strictObject({ name: text(LIMITS.name), email: email() }),
    conversation: v.optional(
      v.pipe(
        v.array(
          v.strictObject({
            author: text(LIMITS.name),
            body: prose(LIMITS.conversationBody),
            at: dateTime(),
          }),
        ),
        v.maxLength(LIMITS.conversationEntries),
      ),
      // A fresh list per request, never one shared default.
      () => [],
    ),
  });

const policy = () =>
  v.variant(
    'type',
    [
      v.strictObject({ type: v.picklist(['all', 'any']) }),
      v.strictObject({ type: v.picklist(['quorum']), count: wholeNumber(1, LIMITS.recipients) }),
    ],
    'must be "all", "any" or "quorum"',
  );

/** Extension: what happens if the request is still open at `at` (rules beyond the shape: domain/deadline.ts). */
const deadline = () =>
  v.strictObject({
    at: dateTime(),
    outcome: v.picklist(DEADLINE_OUTCOMES, 'must be "decline", "cancel" or "escalate"'),
    escalateTo: v.optional(
      v.pipe(
        v.array(id()),
        v.maxLength(LIMITS.escalateTo),
        v.check((ids) => new Set(ids).size === ids.length, 'must not list an approver twice'),
      ),
    ),
  });

export const putDeadlineBody = () => v.nullable(deadline());

/**
 * Extension: sequential stages (2–5) instead of `recipients`, each with its own recipients and
 * policy. An approver is in one stage only, and the stages together hold at most
 * LIMITS.recipients (50) recipients, the cap of one list.
 */
const stageList = () =>
  v.pipe(
    v.array(v.strictObject({ name: v.optional(text(LIMITS.name)), recipients: recipientList(1), policy: v.optional(policy()) })),
    v.minLength(2),
    v.maxLength(5),
    v.check((stages) => {
      const ids = stages.flatMap((s) => s.recipients);
      return new Set(ids).size === ids.length;
    }, 'must not list an approver in two stages'),
    v.check(
      (stages) => stages.reduce((n, s) => n + s.recipients.length, 0) <= LIMITS.recipients,
      `must hold at most ${LIMITS.recipients} recipients in all`,
    ),
  );

export const createApprovalBody = () =>
  v.pipe(
    v.strictObject({
      recipients: v.optional(recipientList(1)),
      stages: v.optional(stageList()),
      message: v.nullish(v.pipe(prose(LIMITS.message), v.trim())),
      policy: v.optional(policy()),
      /** Extension: remind everyone still pending every N hours (1 to 720) while the request is open. */
      remindEveryHours: v.optional(wholeNumber(1, 720)),
      /** Extension: a decline without feedback gets `400 reason_required`. */
      requireDeclineReason: v.optional(v.boolean()),
      deadline: v.optional(deadline()),
      /** A ticket change while open makes earlier approvals stale (`reapprove`, the default) or not (`keep`). */
      onContentChange: v.optional(v.picklist(CONTENT_CHANGE_MODES, 'must be "reapprove" or "keep"')),
      ticket: ticketSnapshot(),
    }),
    // Either one list or stages; a staged request's policies are per stage.
    v.check(
      (body) => (body.recipients === undefined) !== (body.stages === undefined) && !(body.stages && body.policy),
      'give either "recipients" (with an optional "policy") or "stages" (each with its own policy), not both',
    ),
  );

export const putRecipientsBody = () => v.strictObject({ recipients: recipientList(0) });

/** One stage's whole new list (at least one; cancel the request to end it). */
export const putStageRecipientsBody = () => v.strictObject({ recipients: recipientList(1) });
/** The stage number travels as a path segment; one that names no stage of the request is a 404 (domain/stage-edit.ts). */
export const stageParams = () => v.strictObject({ ticketId: id(), index: id() });

const ticketIds = () =>
  v.pipe(
    v.string(),
    v.transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
    v.array(id()),
    v.minLength(1, 'must name at least one ticket'),
    v.maxLength(100),
  );

export const listTicketsQuery = () =>
  v.pipe(
    v.strictObject({
      ids: v.optional(ticketIds()),
      approvalStatus: v.optional(v.picklist(['pending', 'partially_approved', 'approved', 'declined'])),
      ...paging(),
    }),
    v.check((q) => (q.ids === undefined) !== (q.approvalStatus === undefined), 'give either ids or approvalStatus'),
    v.check((q) => q.ids === undefined || q.next === undefined, 'next pages a status list, not a list of ids'),
  );

// Delegation (out of office): the rules beyond the shape are domain/delegation.ts's.

export const putDelegationBody = () =>
  v.strictObject({
    substituteId: id(),
    from: v.optional(dateTime()),
    until: dateTime(),
    note: v.optional(v.nullable(v.pipe(prose(500), v.trim()))),
  });

// Portal.

export const respondBody = () =>
  v.pipe(
    v.strictObject({
      decision: v.optional(v.picklist(['approve', 'decline'])),
      feedback: v.optional(v.pipe(prose(LIMITS.feedback), v.trim(), v.minLength(1, 'must not be empty'))),
      /** The content hash the portal showed; another than the current one → 409 content_changed. */
      contentHash: v.optional(v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 hex digits'))),
    }),
    v.check((b) => b.decision !== undefined || b.feedback !== undefined, 'needs a decision, feedback, or both'),
  );

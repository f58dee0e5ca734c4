/**
 * Every error code the API answers with, its status and what it means: the one catalogue that
 * the code (SignoffError takes an ErrorCode), the tests and docs/api.md read. Codes are part of
 * the published contract: add, never rename. Import it as a type where only the names are
 * needed: the meanings stay out of the handler bundles.
 */
export const ERROR_CODES = {
  invalid_request: {
    status: 400,
    meaning: "The path, query or body does not match the route's schema; `details.issues` names each field.",
  },
  invalid_json: { status: 400, meaning: 'The body is not valid JSON.' },
  invalid_approver_id: { status: 400, meaning: 'A new approver id may not contain "@": ids travel in paths and logs.' },
  invalid_idempotency_key: { status: 400, meaning: 'The Idempotency-Key header is empty or longer than 255 characters.' },
  unauthorized: { status: 401, meaning: 'No bearer token, or one that is expired, forged or for another client.' },
  forbidden: { status: 403, meaning: "The token's groups may not call this route." },
  not_an_approver: { status: 403, meaning: 'A portal token whose account is not a listed approver.' },
  delisted: { status: 403, meaning: 'A portal token of an approver who has been delisted.' },
  not_found: { status: 404, meaning: 'No such route, ticket, request, recipient or approver (or not one the caller may see).' },
  method_not_allowed: { status: 405, meaning: 'The path exists, but not with this method.' },
  open_request_exists: { status: 409, meaning: 'The ticket already has an open approval request.' },
  request_closed: { status: 409, meaning: 'The approval request is no longer open.' },
  already_decided: { status: 409, meaning: 'The approver already approved or declined.' },
  already_responded: { status: 409, meaning: 'The recipient already answered: there is nothing to remind them of.' },
  recipient_removed: { status: 409, meaning: 'The recipient was removed from the request.' },
  approver_delisted: { status: 409, meaning: 'The recipient has been delisted since the request was made.' },
  duplicate_email: { status: 409, meaning: 'Another approver holds this email address.' },
  concurrent_update: { status: 409, meaning: 'The request changed at the same time; retry.' },
  request_in_progress: { status: 409, meaning: 'A request with this Idempotency-Key is still running; retry shortly.' },
  payload_too_large: { status: 413, meaning: 'The body is larger than 256 KiB.' },
  unknown_approvers: { status: 422, meaning: 'Some recipients are not listed approvers; `details.approverIds` names them.' },
  quorum_unreachable: { status: 422, meaning: 'The quorum cannot be reached by the recipients given.' },
  too_many_changes: { status: 422, meaning: 'The edit changes too many recipients at once for one transaction.' },
  idempotency_key_reused: { status: 422, meaning: 'This Idempotency-Key was used with another request.' },
  reminder_too_soon: { status: 429, meaning: 'The recipient was reminded less than 10 minutes ago; Retry-After says when.' },
  invalid_cursor: { status: 400, meaning: 'The `next` cursor is not one this list handed out; start again without it.' },
  too_many_recipients: {
    status: 422,
    meaning: 'The request would pass 50 recipients at once or 100 entries (removed, expired, escalation included).',
  },
  feedback_limit: { status: 422, meaning: 'The recipient (10) or the request (100) has reached its feedback cap.' },
  url_not_allowed: {
    status: 422,
    meaning: 'The webhook URL is not https or resolves to a private, loopback, link-local or metadata address.',
  },
  webhook_limit: { status: 409, meaning: 'At most 20 webhook endpoints may be registered.' },
  reason_required: { status: 400, meaning: 'This request needs a reason with a decline: send `feedback` with the decision.' },
  email_in_use: { status: 409, meaning: 'The email belongs to a login outside the approver groups (a technician).' },
  content_changed: {
    status: 409,
    meaning: 'What approvers are shown changed since this `contentHash`; `details.current` is the current one.',
  },
  headers_too_large: { status: 431, meaning: 'The request headers are too large (the gateway answers before any handler).' },
  deadline_not_in_future: { status: 422, meaning: 'The deadline `at` is not in the future.' },
  escalate_to_required: { status: 422, meaning: 'A deadline with outcome `escalate` needs `escalateTo`.' },
  escalate_to_not_allowed: { status: 422, meaning: '`escalateTo` goes only with the outcome `escalate`.' },
  deadline_passed: { status: 409, meaning: 'The deadline has passed; the request no longer takes answers.' },
  recipient_expired: { status: 409, meaning: 'Your place expired at the deadline (the request was escalated).' },
  staged_request: { status: 409, meaning: 'The request has stages: edit one stage with `PUT …/approval/stages/{index}/recipients`.' },
  stage_closed: { status: 409, meaning: 'The stage is already approved or declined: it takes no more decisions or edits.' },
  stage_not_started: { status: 409, meaning: "The recipient's stage has not started: it is mailed when it starts." },
  approver_in_other_stage: { status: 409, meaning: 'The approver is already in another stage of the request.' },
  receipt_not_ready: {
    status: 404,
    meaning: 'The request is still open, or closed a moment ago and its receipt is being signed; ask again shortly.',
  },
  substitute_is_self: { status: 422, meaning: 'An approver cannot be their own substitute.' },
  substitute_not_listed: { status: 422, meaning: 'The substitute is not a listed approver.' },
  substitute_kind_mismatch: { status: 422, meaning: 'The substitute must be of the same kind (user or contact) as the delegator.' },
  delegation_period_invalid: {
    status: 422,
    meaning: '`until` is not in the future or not after `from`, the delegation is longer than 90 days, or starts more than 365 days ahead.',
  },
  delegation_loop: { status: 422, meaning: 'The substitute has named the delegator as their own substitute for an overlapping time.' },
  place_settled: { status: 409, meaning: 'The other holder of this place (delegator or substitute) already answered it.' },
  internal_error: { status: 500, meaning: 'Something failed on our side; nothing about it is shown.' },
  unavailable: { status: 503, meaning: 'A dependency is busy or down; Retry-After says when to try again.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

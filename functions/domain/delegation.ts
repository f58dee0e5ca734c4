import { activity, type DelegatedPlace } from './activity.js';
import type { Change } from './approval-request.js';
import { ConflictError, UnprocessableError } from './errors.js';
import { GROWTH_LIMITS } from './limits.js';
import { isOpen } from './policy.js';
import { newRecipient } from './recipient.js';
import { inCurrentStage } from './stages.js';
import type { Actor, ApprovalRequest, Approver, ApproverKind, Recipient } from './types.js';

/**
 * Delegation (out of office): while a delegation is active, the delegator's place on a request is
 * handed to a substitute. The delegator keeps their entry (marked `delegatedTo`); the substitute
 * gets an entry of their own marked `onBehalfOf`. Both may answer; the first answer settles the
 * place for both, and the policy counts the place once: the delegator's entry is the place, the
 * substitute's entry never counts by itself (policy.ts activeRecipients).
 *
 * Rules (documented in the README):
 * - the substitute is a listed approver of the same kind, not the delegator;
 * - a delegation lasts at most MAX_DAYS, starts within MAX_LEAD_DAYS, ends by itself at `until`;
 * - chains are not followed: a substitute who is away themselves still gets the place; two
 *   approvers may not name each other for overlapping periods (`delegation_loop`);
 * - one person holds one place: a substitute already on the request (in their own right or for
 *   someone else) is not added again, and the delegator keeps their place;
 * - a request at its recipient-entry cap (limits.ts) is not handed over: the delegator keeps it.
 */
export const DELEGATION_LIMITS = {
  /** The longest delegation: `until` at most this many days after `from`. */
  maxDays: 90,
  /** `from` at most this many days ahead. */
  maxLeadDays: 365,
  /** Open requests handed over when a delegation starts (the newest first); later ones stay with the delegator. */
  openRequestsHandedOver: 100,
  /**
   * Recipient entries a new request may reach through handovers: its create is one transaction
   * (at most 100 writes: the entries plus 8 for request, snapshot, ticket, activity, outbox and
   * events). Places beyond it stay with their delegators, who are mailed.
   */
  newRequestEntries: 90,
} as const;

export interface Delegation {
  /** The delegator. */
  approverId: string;
  kind: ApproverKind;
  substituteId: string;
  substituteName: string;
  from: string;
  until: string;
  note: string | null;
  setBy: Actor;
  setAt: string;
}

export interface DelegationInput {
  substituteId: string;
  from?: string | undefined;
  until: string;
  note?: string | null | undefined;
}

const DAY_MS = 86_400_000;
const iso = (t: string) => new Date(t).toISOString();

export const isActive = (d: Delegation, now: string) => d.from <= now && now < d.until;
/** Active or still to come; an ended delegation reads as none. */
export const isCurrent = (d: Delegation | null, now: string): d is Delegation => d !== null && now < d.until;

function invalidPeriod(message: string, details: Record<string, unknown>): never {
  throw new UnprocessableError('delegation_period_invalid', message, { details });
}

/**
 * A delegation as the API accepts it. `substitute` is the substitute's directory entry if listed
 * (null otherwise); `substitutesOwn` is the substitute's own current delegation, if any.
 */
export function checkDelegation({
  delegator,
  substitute,
  substitutesOwn,
  input,
  actor,
  now,
}: {
  delegator: Approver;
  substitute: Approver | null;
  substitutesOwn: Delegation | null;
  input: DelegationInput;
  actor: Actor;
  now: string;
}): Delegation {
  if (input.substituteId === delegator.approverId) {
    throw new UnprocessableError('substitute_is_self', 'An approver cannot be their own substitute.');
  }
  if (!substitute) {
    throw new UnprocessableError('substitute_not_listed', `${input.substituteId} is not a listed approver.`, {
      details: { substituteId: input.substituteId },
    });
  }
  if (substitute.kind !== delegator.kind) {
    throw new UnprocessableError(
      'substitute_kind_mismatch',
      `The substitute must be a ${delegator.kind} like the one they stand in for, not a ${substitute.kind}.`,
      { details: { kind: delegator.kind, substituteKind: substitute.kind } },
    );
  }
  const from = input.from ? iso(input.from) : now;
  const until = iso(input.until);
  const period = { from, until, now };
  if (until <= now) invalidPeriod(`The delegation's end ${input.until} is not in the future.`, period);
  if (until <= from) invalidPeriod('The delegation must end after it starts.', period);
  if (Date.parse(until) - Date.parse(from) > DELEGATION_LIMITS.maxDays * DAY_MS) {
    invalidPeriod(`A delegation lasts at most ${DELEGATION_LIMITS.maxDays} days.`, { ...period, maxDays: DELEGATION_LIMITS.maxDays });
  }
  if (Date.parse(from) - Date.parse(now) > DELEGATION_LIMITS.maxLeadDays * DAY_MS) {
    invalidPeriod(`A delegation starts within ${DELEGATION_LIMITS.maxLeadDays} days.`, {
      ...period,
      maxLeadDays: DELEGATION_LIMITS.maxLeadDays,
    });
  }
  if (
    isCurrent(substitutesOwn, now) &&
    substitutesOwn.substituteId === delegator.approverId &&
    substitutesOwn.from < until &&
    from < substitutesOwn.until
  ) {
    throw new UnprocessableError('delegation_loop', `${substitute.name} has named you as their substitute for the same time.`, {
      details: { substituteId: substitute.approverId, from: substitutesOwn.from, until: substitutesOwn.until },
    });
  }
  return {
    approverId: delegator.approverId,
    kind: delegator.kind,
    substituteId: substitute.approverId,
    substituteName: substitute.name,
    from,
    until,
    note: input.note?.trim() ? input.note.trim() : null,
    setBy: actor,
    setAt: now,
  };
}

/** One handover to make: whose place, to whom. */
export interface Handover {
  delegatorId: string;
  substitute: Approver;
  until: string;
}

/** The place an entry belongs to: its own, or the one it holds for a delegator. */
export const placeOf = (r: Recipient) => r.onBehalfOf ?? r.approverId;

/**
 * Hands the delegator's pending place to the substitute, or returns null when it cannot be (see
 * the rules at the top). Pure: no version bump, no mails; the callers add those.
 */
function handOverIn(request: ApprovalRequest, handover: Handover, maxEntries: number, now: string) {
  const { delegatorId, substitute } = handover;
  if (!isOpen(request.status)) return null;
  const owner = request.recipients.find((r) => r.approverId === delegatorId && !r.onBehalfOf && !r.delegatedTo && r.status === 'pending');
  if (!owner || substitute.approverId === delegatorId || substitute.kind !== owner.kind) return null;
  if (request.recipients.some((r) => r.approverId === substitute.approverId)) return null;
  if (request.recipients.length >= maxEntries) return null;
  const recipients: Recipient[] = [
    ...request.recipients.map((r) => (r === owner ? { ...r, delegatedTo: substitute.approverId } : r)),
    // The substitute sits in the delegator's stage, if the request has stages.
    { ...newRecipient(substitute, now), onBehalfOf: delegatorId, ...(owner.stage ? { stage: owner.stage } : {}) },
  ];
  const place: DelegatedPlace = {
    delegator: { approverId: owner.approverId, name: owner.name },
    substitute: { approverId: substitute.approverId, name: substitute.name },
    until: handover.until,
  };
  return { request: { ...request, recipients }, place, ownerStage: owner.stage };
}

/** An open request on which the delegator is still pending: the substitute is added for the place and mailed. */
export function handOverPlace({
  request,
  handover,
  actor,
  now,
}: {
  request: ApprovalRequest;
  handover: Handover;
  actor: Actor;
  now: string;
}): Change {
  const done = handOverIn(request, handover, GROWTH_LIMITS.recipientEntries, now);
  if (!done) return { before: request, after: request, events: [], mails: [] };
  return {
    before: request,
    after: { ...done.request, updatedAt: now, version: request.version + 1 },
    events: [activity('delegated', { at: now, actor, requestId: request.id }, { places: [done.place] })],
    // A later stage's substitute is mailed when that stage starts (stages.ts), not now.
    mails: inCurrentStage(request, done.ownerStage === undefined ? {} : { stage: done.ownerStage })
      ? [{ kind: 'request', approverId: handover.substitute.approverId }]
      : [],
  };
}

/**
 * A new request naming delegators: each place is sent to the substitute instead (the delegator's
 * entry stays, unmailed, so they can still answer if they come back early).
 */
export function delegateNewRequest(change: Change, handovers: Handover[], actor: Actor, now: string): Change {
  let { after } = change;
  const places: DelegatedPlace[] = [];
  let mails = [...change.mails];
  for (const handover of handovers) {
    const done = handOverIn(after, handover, DELEGATION_LIMITS.newRequestEntries, now);
    if (!done) continue;
    after = done.request;
    places.push(done.place);
    // The substitute takes the delegator's mail, if the delegator was to get one now (a later
    // stage is mailed when it starts).
    if (mails.some((m) => m.approverId === handover.delegatorId)) {
      mails = [
        ...mails.filter((m) => m.approverId !== handover.delegatorId),
        { kind: 'request', approverId: handover.substitute.approverId },
      ];
    }
  }
  if (places.length === 0) return change;
  return {
    ...change,
    after,
    events: [...change.events, activity('delegated', { at: now, actor, requestId: after.id }, { places })],
    mails,
  };
}

/** 409 when the other holder of the caller's place already answered it. */
export function assertPlaceOpen(request: ApprovalRequest, current: Recipient): void {
  if (current.status === 'pending' || !current.answeredBy) return;
  const by = request.recipients.find((r) => r.approverId === current.answeredBy);
  throw new ConflictError('place_settled', `${by?.name ?? current.answeredBy} already answered for this place (${current.status}).`, {
    details: { answeredBy: current.answeredBy, status: current.status },
  });
}

/**
 * The answer settles the place: every other pending holder of it (the delegator or the
 * substitute) takes the same status, with `answeredBy` naming who answered.
 */
export function settlePlace(recipients: Recipient[], answerer: Recipient, now: string): Recipient[] {
  const place = placeOf(answerer);
  return recipients.map((r) =>
    r.approverId !== answerer.approverId && placeOf(r) === place && r.status === 'pending'
      ? { ...r, status: answerer.status, respondedAt: now, answeredBy: answerer.approverId }
      : r,
  );
}

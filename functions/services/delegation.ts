import {
  checkDelegation,
  DELEGATION_LIMITS,
  type Delegation,
  type DelegationInput,
  type Handover,
  handOverPlace,
  isActive,
  isCurrent,
} from '../domain/delegation.js';
import { NotFoundError } from '../domain/errors.js';
import type { Actor } from '../domain/types.js';
import { logger } from '../logger.js';
import { loadRequest, saveChange } from '../store/approval-repository.js';
import {
  deleteDelegation,
  getDelegation,
  markDelegationStarted,
  putDelegation,
  waitingRequestIds,
} from '../store/delegation-repository.js';
import { getApprover, getApprovers, toApprover } from '../store/directory-repository.js';
import { retryOnStaleState } from '../store/transaction.js';
import { approverActor, SYSTEM_DELEGATIONS } from './actors.js';
import { eachWithConcurrency } from './concurrency.js';

const now = () => new Date().toISOString();

/** The listed approver a delegation route is about (404 otherwise). */
async function listedDelegator(approverId: string) {
  const entry = await getApprover(approverId);
  if (!entry?.listed) throw new NotFoundError('not_found', `No listed approver ${approverId}.`);
  return toApprover(entry);
}

/** The approver's delegation, active or to come; an ended one reads as none. */
export async function currentDelegation(approverId: string): Promise<Delegation | null> {
  await listedDelegator(approverId);
  const delegation = await getDelegation(approverId);
  return isCurrent(delegation, now()) ? delegation : null;
}

/**
 * PUT …/delegation: checks and saves it (replacing any earlier one). Active now: the open
 * requests still waiting on the delegator get the substitute at once; starting later: the due
 * sweep does it at `from`.
 */
export async function setDelegation(approverId: string, input: DelegationInput, by?: Actor): Promise<Delegation> {
  const at = now();
  const delegator = await listedDelegator(approverId);
  // Without a technician, the approver sets their own.
  const actor = by ?? approverActor(delegator.approverId, delegator.name);
  const [substitute, substitutesOwn] = await Promise.all([getApprover(input.substituteId), getDelegation(input.substituteId)]);
  const delegation = checkDelegation({
    delegator,
    substitute: substitute?.listed ? toApprover(substitute) : null,
    substitutesOwn,
    input,
    actor,
    now: at,
  });
  const active = isActive(delegation, at);
  await putDelegation(delegation, !active);
  if (active) await handOverOpenRequests(delegation, actor);
  return delegation;
}

export async function clearDelegation(approverId: string): Promise<void> {
  await listedDelegator(approverId);
  await deleteDelegation(approverId);
}

/**
 * Adds the substitute to the open requests still waiting on the delegator (newest first, at
 * most DELEGATION_LIMITS.openRequestsHandedOver), each in its own versioned change, then marks
 * the delegation started. A request that cannot take the substitute (see domain/delegation.ts)
 * stays as it is.
 */
export async function handOverOpenRequests(delegation: Delegation, actor: Actor): Promise<number> {
  const substitute = await getApprover(delegation.substituteId);
  let handedOver = 0;
  if (substitute?.listed) {
    const handover: Handover = { delegatorId: delegation.approverId, substitute: toApprover(substitute), until: delegation.until };
    const ids = await waitingRequestIds(delegation.approverId, DELEGATION_LIMITS.openRequestsHandedOver);
    await eachWithConcurrency(ids, 4, async (requestId) => {
      await retryOnStaleState(async () => {
        const request = await loadRequest(requestId, { conversation: false });
        if (!request) return;
        const change = handOverPlace({ request, handover, actor, now: now() });
        await saveChange(change);
        if (change.after !== change.before) handedOver++;
      });
    });
  }
  await markDelegationStarted(delegation, now());
  return handedOver;
}

/** The due sweep: a delegation whose `from` has come hands over the open requests now. */
export async function startDueDelegation(approverId: string, at: Date): Promise<number> {
  const delegation = await getDelegation(approverId);
  if (!delegation) return 0;
  if (!isActive(delegation, at.toISOString())) {
    // Ended before the sweep came (or not yet due): nothing to hand over once it has ended.
    if (delegation.until <= at.toISOString()) await markDelegationStarted(delegation, at.toISOString());
    return 0;
  }
  const count = await handOverOpenRequests(delegation, SYSTEM_DELEGATIONS);
  logger.info('delegation started', { approverId, handedOver: count });
  return count;
}

/**
 * The handovers for a new request: the recipients' active delegations (read with their directory
 * entries, store/delegation-repository.ts getApproversAndDelegations) whose substitutes are still
 * listed. Chains are not followed: a substitute who is away is still asked directly.
 */
export async function handoversFrom(delegations: Delegation[], approverIds: string[], at: string): Promise<Handover[]> {
  const active = delegations.filter((d) => approverIds.includes(d.approverId) && isActive(d, at));
  if (active.length === 0) return [];
  const substitutes = await getApprovers(active.map((d) => d.substituteId));
  const byId = new Map(active.map((d) => [d.approverId, d]));
  return approverIds.flatMap((id) => {
    const d = byId.get(id);
    const entry = d && substitutes.get(d.substituteId);
    return d && entry?.listed ? [{ delegatorId: id, substitute: toApprover(entry), until: d.until }] : [];
  });
}

import type { Actor } from '../domain/types.js';
import type { Caller } from '../identity/caller.js';

export function technicianActor(caller: Caller): Actor {
  return {
    kind: 'technician',
    id: caller.sub,
    ...(caller.email ? { email: caller.email } : {}),
    ...(caller.name ? { name: caller.name } : {}),
  };
}

export function approverActor(approverId: string, name: string): Actor {
  return { kind: 'approver', id: approverId, name };
}

export const SYSTEM_MAILER: Actor = { kind: 'system', id: 'mailer' };

export const SYSTEM_REMINDERS: Actor = { kind: 'system', id: 'reminders' };

/** The due-work job, acting on a request's deadline. */
export const SYSTEM_DEADLINES: Actor = { kind: 'system', id: 'deadlines' };

/** Amazon SES, reporting what became of a mail after it left (bounces, complaints). */
export const SYSTEM_SES: Actor = { kind: 'system', id: 'ses' };

/** The due-work job, starting a delegation that was set ahead of time. */
export const SYSTEM_DELEGATIONS: Actor = { kind: 'system', id: 'delegations' };

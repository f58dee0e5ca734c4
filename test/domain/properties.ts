import fc from 'fast-check';
import { expect } from 'vitest';
import { type Change, remindDue, respond } from '../../functions/domain/approval-request.js';
import { passDeadline } from '../../functions/domain/deadline.js';
import { SignoffError } from '../../functions/domain/errors.js';
import type { ApprovalRequest, Approver, Policy } from '../../functions/domain/types.js';
import { system } from './fixtures.js';

/*
 * What the property-based tests of the domain share: arbitraries, how a command is applied,
 * and the runner that checks a rule at every step of random command sequences.
 */

/** A policy kind and a seed for the count of a quorum: `policyOf` makes the policy. */
export const policyKind = fc.tuple(fc.constantFrom<Policy['type']>('all', 'any', 'quorum'), fc.nat());

/** The policy of a kind from `policyKind` over `size` places: a quorum counts 1 to `size` of them. */
export const policyOf = ([type, seed]: [Policy['type'], number], size: number): Policy =>
  type === 'quorum' ? { type, count: 1 + (seed % size) } : { type };

/** The change of a command that changes nothing. */
export const noChange = (request: ApprovalRequest): Change => ({ before: request, after: request, events: [], mails: [] });

/** For each kind of command, how it changes the request at `now`. */
export type CommandHandlers<C extends { kind: string }> = {
  [K in C['kind']]: (request: ApprovalRequest, cmd: Extract<C, { kind: K }>, now: string) => Change;
};

/** Applies a command with the handler of its kind; a command the domain refuses (a SignoffError) changes nothing. */
export function commandApplier<C extends { kind: string }>(handlers: CommandHandlers<C>) {
  return (request: ApprovalRequest, cmd: C, now: string): Change => {
    const handle = handlers[cmd.kind as C['kind']] as (request: ApprovalRequest, cmd: C, now: string) => Change;
    try {
      return handle(request, cmd, now);
    } catch (error) {
      if (error instanceof SignoffError) return noChange(request);
      throw error;
    }
  };
}

/** An answer by the approver `who` in person, with an optional decision and feedback. */
export const answerAs = (
  request: ApprovalRequest,
  { who, decision, feedback }: { who: string; decision: 'approve' | 'decline' | undefined; feedback?: string },
  now: string,
): Change => respond({ request, approverId: who, decision, feedback, actor: { kind: 'approver', id: who }, now });

/** What the due-work job does when it finds the request due: act on its deadline if it passed, else remind. */
export function dueWork(request: ApprovalRequest, escalateTo: Approver[], now: string): Change {
  const passed = passDeadline({ request, escalateTo, actor: system, now });
  return passed.after !== request ? passed : remindDue({ request, actor: system, now });
}

/** Random command sequences played on random requests: the starts, the commands, and how they are played. */
export interface RandomRuns<Start, Command, Check> {
  start: fc.Arbitrary<Start>;
  command: fc.Arbitrary<Command>;
  maxLength: number;
  numRuns: number;
  /** Plays the commands from the start and hands every step to `check`. */
  run: (start: Start, commands: Command[], check: Check) => unknown;
}

/** Asserts that `check` holds at every step of every one of the random runs. */
export function checkEveryStep<Start, Command, Check>(runs: RandomRuns<Start, Command, Check>, check: Check): void {
  fc.assert(
    fc.property(runs.start, fc.array(runs.command, { maxLength: runs.maxLength }), (start, commands) => {
      runs.run(start, commands, check);
    }),
    { numRuns: runs.numRuns },
  );
}

/** That the command changed nothing: the same request, no events and no mail. */
export function expectNothingChanged({ before, after, events, mails }: Change): void {
  expect(after).toBe(before);
  expect(events).toEqual([]);
  expect(mails).toEqual([]);
}

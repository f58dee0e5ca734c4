import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ContentFieldChange, Policy, Stage, TicketSnapshot } from './types.js';

/**
 * What a request's approvers are shown, as one plain object: the ticket as the portal shows it
 * (number, subject, requester, the whole conversation), the technician's message and the policy,
 * and on a staged request the stages in order (name and policy: who sits in a stage is not
 * content, so a stage edit makes no new version). Its hash binds every answer to the content it
 * was given on (API.md, "Approvals you can prove").
 */
export interface ApproverContent {
  ticket: TicketSnapshot;
  message: string | null;
  policy: Policy;
  /** Only on a staged request, so that the hash of a request without stages is unchanged. */
  stages?: { index: number; name: string | null; policy: Policy }[];
}

export function approverContent(request: {
  ticket: TicketSnapshot;
  message: string | null;
  policy: Policy;
  stages?: Pick<Stage, 'index' | 'name' | 'policy'>[] | undefined;
}): ApproverContent {
  const { number, subject, requester, conversation } = request.ticket;
  return {
    ...(request.stages?.length ? { stages: request.stages.map(({ index, name, policy }) => ({ index, name, policy })) } : {}),
    ticket: {
      number,
      subject,
      requester: { name: requester.name, email: requester.email },
      conversation: conversation.map(({ author, body, at }) => ({ author, body, at })),
    },
    message: request.message,
    policy: request.policy,
  };
}

/** RFC 8785 (JSON Canonicalization Scheme): the same content always gives the same bytes. */
export function canonicalContent(content: ApproverContent): string {
  const json = canonicalize(content);
  if (json === undefined) throw new Error('content is not JSON');
  return json;
}

/** `sha256:<hex>` of the canonical JSON's UTF-8 bytes. */
export function hashCanonical(canonical: string): string {
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

export const contentHashOf = (content: ApproverContent): string => hashCanonical(canonicalContent(content));

/** A value shown in a change, clipped so that an activity entry or a mail stays small. */
const CLIP = 300;
const clip = (s: string) => (s.length > CLIP ? `${s.slice(0, CLIP)}…` : s);
const person = (p: { name: string; email: string }) => `${p.name} <${p.email}>`;
const policyText = (p: Policy) => (p.type === 'quorum' ? `quorum of ${p.count}` : p.type);

function conversationChange(before: TicketSnapshot['conversation'], after: TicketSnapshot['conversation']): ContentFieldChange | null {
  const key = (e: TicketSnapshot['conversation'][number]) => JSON.stringify([e.author, e.at, e.body]);
  const old = new Set(before.map(key));
  const now = new Set(after.map(key));
  const added = after.filter((e) => !old.has(key(e)));
  const removed = before.filter((e) => !now.has(key(e)));
  if (added.length === 0 && removed.length === 0) {
    return before.length === after.length && before.every((e, i) => key(e) === key(after[i]!))
      ? null
      : { field: 'ticket.conversation', before: null, after: 'entries reordered' };
  }
  const parts = [
    added.length ? `${added.length} ${added.length === 1 ? 'entry' : 'entries'} added` : '',
    removed.length ? `${removed.length} ${removed.length === 1 ? 'entry' : 'entries'} changed or removed` : '',
  ].filter(Boolean);
  const newest = added.at(-1);
  return {
    field: 'ticket.conversation',
    before: removed.length ? clip(removed.map((e) => `${e.author}: ${e.body}`).join(' | ')) : null,
    after: clip(`${parts.join(', ')}${newest ? ` (newest: ${newest.author}: ${newest.body})` : ''}`),
  };
}

/**
 * What differs between two contents, field by field, each value clipped to 300 characters: at
 * most six entries, so an activity entry or a mail that lists them stays a few KB.
 */
export function contentChanges(before: ApproverContent, after: ApproverContent): ContentFieldChange[] {
  const changes: ContentFieldChange[] = [];
  const field = (name: string, a: string | null, b: string | null) => {
    if (a !== b) changes.push({ field: name, before: a === null ? null : clip(a), after: b === null ? null : clip(b) });
  };
  field('ticket.number', before.ticket.number, after.ticket.number);
  field('ticket.subject', before.ticket.subject, after.ticket.subject);
  field('ticket.requester', person(before.ticket.requester), person(after.ticket.requester));
  const conversation = conversationChange(before.ticket.conversation, after.ticket.conversation);
  if (conversation) changes.push(conversation);
  field('message', before.message, after.message);
  field('policy', policyText(before.policy), policyText(after.policy));
  return changes;
}

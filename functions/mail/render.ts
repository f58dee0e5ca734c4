import { contentChangeText, contentFieldLabel } from '../domain/content-fields.js';
import type { ApprovalRequest, ApproverKind, ConversationEntry, MailKind, Recipient } from '../domain/types.js';
import { escapeHtml, oneLine, plain, subjectLine } from './escape.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface MailInput {
  kind: MailKind;
  request: ApprovalRequest;
  recipient: Recipient;
  /** The portal's public URL, ending in `/`. */
  portalUrl: string;
}

/** Long threads are trimmed to the newest entries, with a note saying so. */
export const MAX_THREAD_ENTRIES = 10;
const MAX_ENTRY_CHARS = 2000;

export type Action = 'approve' | 'decline' | 'feedback';
const ACTIONS: { action: Action; label: string; color: string }[] = [
  { action: 'approve', label: 'Approve', color: '#1a7f37' },
  { action: 'decline', label: 'Decline', color: '#cf222e' },
  { action: 'feedback', label: 'Respond with feedback', color: '#0969da' },
];

/**
 * The portal page of the request; the page asks again before recording anything. `portal` says
 * which portal the recipient signs in to (users: the Service Portal, contacts: the Customer
 * Portal), so the sign-in screen wears the right name and colour before anyone is known.
 */
export function actionLink(portalUrl: string, requestId: string, action: Action, recipientKind: ApproverKind): string {
  return `${portalUrl}requests/${encodeURIComponent(requestId)}?action=${action}&portal=${recipientKind === 'contact' ? 'contacts' : 'users'}`;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function clip(body: string): string {
  return body.length > MAX_ENTRY_CHARS ? `${body.slice(0, MAX_ENTRY_CHARS)}…` : body;
}

function thread(conversation: ConversationEntry[]) {
  const newest = [...conversation].sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_THREAD_ENTRIES);
  return { entries: newest, omitted: conversation.length - newest.length };
}

function technicianName(request: ApprovalRequest): string {
  return request.requestedBy.name ?? request.requestedBy.email ?? 'Your helpdesk';
}

/** The request's own terms, shown under the ticket: what the approver must know before answering. */
const AFTER_DEADLINE = {
  decline: 'the request is declined if it is still open then',
  cancel: 'the request is withdrawn if it is still open then',
  escalate: 'the request goes to others if you have not answered by then',
} as const;

function terms(request: ApprovalRequest): [label: string, value: string][] {
  const lines: [string, string][] = [];
  const { deadline } = request;
  if (deadline && !request.deadlinePassedAt) lines.push(['Answer by', `${when(deadline.at)}: ${AFTER_DEADLINE[deadline.outcome]}`]);
  if (deadline?.outcome === 'escalate' && request.deadlinePassedAt) {
    lines.push(['Escalated', `no answer came from the first approvers by ${when(deadline.at)}`]);
  }
  if (request.requireDeclineReason) lines.push(['Declining', 'needs a reason']);
  return lines;
}

/** A substitute's mail names whom they answer for (domain/delegation.ts). */
function onBehalfOf(request: ApprovalRequest, recipient: Recipient): string | null {
  if (!recipient.onBehalfOf) return null;
  const delegator = request.recipients.find((r) => r.approverId === recipient.onBehalfOf);
  return delegator?.name ?? recipient.onBehalfOf;
}

const behalfSentence = (name: string) => `You are asked on behalf of ${name}, who named you as their substitute.`;

const termRows = (request: ApprovalRequest) =>
  terms(request)
    .map(([label, value]) => row(label, e(value)))
    .join('');

/** A ticket change made the recipient's approval stale: what changed, field by field (clipped by the domain). */
function changeLines(request: ApprovalRequest): [label: string, value: string][] {
  return (request.contentChange?.changes ?? []).map((c) => [contentFieldLabel(c.field), contentChangeText(c)]);
}
const changeRows = (request: ApprovalRequest) =>
  changeLines(request)
    .map(([label, value]) => row(label, e(value)))
    .join('');

function askText(kind: MailInput['kind'], who: string, number: string): string {
  if (kind === 'reminder') return `${who} is still waiting for your approval on ticket #${number}.`;
  if (kind === 'content_changed')
    return `Ticket #${number} changed after you approved it. Your approval no longer counts: please look again and answer.`;
  return `${who} asks for your approval on ticket #${number}.`;
}

/** The line mail clients show next to the subject in the inbox. */
function preview({ kind, request }: Pick<MailInput, 'kind' | 'request'>): string {
  const who = technicianName(request);
  const text =
    kind === 'reminder'
      ? `${who} is still waiting for your answer`
      : kind === 'content_changed'
        ? 'The ticket changed after you approved; your approval is needed again'
        : `${who} asks for your approval`;
  return subjectLine(`${text} on ticket #${request.ticket.number}, requested by ${request.ticket.requester.name}.`, 140);
}

export function renderSubject({ kind, request }: Pick<MailInput, 'kind' | 'request'>): string {
  const prefix =
    kind === 'reminder' ? 'Reminder: approval needed' : kind === 'content_changed' ? 'Changed, approve again' : 'Approval needed';
  return subjectLine(`${prefix} for ticket #${request.ticket.number}: ${request.ticket.subject}`);
}

export function renderText(input: MailInput): string {
  const { kind, request, recipient, portalUrl } = input;
  const { entries, omitted } = thread(request.ticket.conversation);
  const lines = [
    `Hello ${oneLine(recipient.name)},`,
    '',
    askText(kind, oneLine(technicianName(request)), oneLine(request.ticket.number)),
    ...(onBehalfOf(request, recipient) ? [behalfSentence(oneLine(onBehalfOf(request, recipient)!))] : []),
    '',
    ...(kind === 'content_changed'
      ? ['What changed:', ...changeLines(request).map(([label, value]) => `  ${label}: ${oneLine(value)}`), '']
      : []),
    `Ticket:    #${oneLine(request.ticket.number)} ${oneLine(request.ticket.subject)}`,
    `Requester: ${oneLine(request.ticket.requester.name)} <${oneLine(request.ticket.requester.email)}>`,
    `Request:   ${request.id}`,
    ...terms(request).map(([label, value]) => `${`${label}:`.padEnd(11)}${value}`),
    '',
  ];
  if (request.message) lines.push(`Message from ${oneLine(technicianName(request))}:`, plain(request.message), '');
  lines.push('Conversation:');
  if (omitted > 0) lines.push(`(${omitted} earlier ${omitted === 1 ? 'message' : 'messages'} not shown)`);
  if (entries.length === 0) lines.push('(no messages)');
  for (const entry of entries) lines.push('', `${oneLine(entry.author)}, ${when(entry.at)}:`, plain(clip(entry.body)));
  lines.push('', 'Respond in the portal (you will be asked to sign in and confirm):');
  for (const { action, label } of ACTIONS) lines.push(`${label}: ${actionLink(portalUrl, request.id, action, recipient.kind)}`);
  lines.push('', 'Opening a link records nothing by itself.');
  return `${lines.join('\n')}\n`;
}

/** HTML of a value: escaped, and on one line (see oneLine) unless it is a body shown pre-wrapped. */
const e = (value: string): string => escapeHtml(oneLine(value));
const body = (value: string): string => escapeHtml(value);

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const TEXT = 'overflow-wrap:anywhere;word-break:break-word;';

/**
 * A "bulletproof" button: the colour sits on the table cell (bgcolor) as well as on the link,
 * because Outlook's Word engine ignores padding and background on links; there the whole cell
 * stays coloured and the white label stays readable.
 */
function button(href: string, label: string, color: string): string {
  return `<td class="button-cell" style="padding:0 8px 8px 0;"><table role="presentation" cellpadding="0" cellspacing="0"><tr><td align="center" bgcolor="${color}" style="border-radius:6px;background:${color};"><a href="${e(href)}" style="${FONT}display:inline-block;padding:10px 18px;border:1px solid ${color};border-radius:6px;background:${color};color:#ffffff;font-size:14px;font-weight:600;line-height:20px;text-decoration:none;white-space:nowrap;">${e(label)}</a></td></tr></table></td>`;
}

function row(label: string, value: string): string {
  return `<tr><td style="${FONT}padding:4px 12px 4px 0;color:#57606a;font-size:13px;vertical-align:top;white-space:nowrap;">${e(label)}</td><td dir="auto" style="${FONT}${TEXT}padding:4px 0;font-size:14px;color:#1f2328;">${value}</td></tr>`;
}

export function renderHtml(input: MailInput): string {
  const { kind, request, recipient, portalUrl } = input;
  const { entries, omitted } = thread(request.ticket.conversation);
  const behalf = onBehalfOf(request, recipient);
  const ask =
    kind === 'content_changed'
      ? e(askText(kind, technicianName(request), request.ticket.number))
      : kind === 'reminder'
        ? `<strong>${e(technicianName(request))}</strong> is still waiting for your approval on ticket #${e(request.ticket.number)}.`
        : `<strong>${e(technicianName(request))}</strong> asks for your approval on ticket #${e(request.ticket.number)}.`;
  const changed =
    kind === 'content_changed'
      ? `<tr><td style="${FONT}font-size:15px;font-weight:600;color:#1f2328;padding:0 0 4px;">What changed</td></tr><tr><td style="padding-bottom:16px;"><table role="presentation" cellpadding="0" cellspacing="0">${changeRows(request)}</table></td></tr>`
      : '';
  const message = request.message
    ? `<tr><td style="${FONT}padding:12px 16px 2px;background:#f6f8fa;border-left:4px solid #0969da;font-size:13px;font-weight:600;color:#57606a;">Message from ${e(technicianName(request))}</td></tr><tr><td dir="auto" style="${FONT}${TEXT}padding:2px 16px 12px;background:#f6f8fa;border-left:4px solid #0969da;font-size:14px;color:#1f2328;white-space:pre-wrap;">${body(request.message)}</td></tr><tr><td style="height:16px;line-height:16px;font-size:0;">&nbsp;</td></tr>`
    : '';
  const conversation = entries
    .map(
      (entry) =>
        `<tr><td style="${FONT}padding:10px 0 2px;font-size:13px;color:#57606a;"><strong dir="auto" style="color:#1f2328;">${e(entry.author)}</strong> · ${e(when(entry.at))}</td></tr><tr><td dir="auto" style="${FONT}${TEXT}padding:0 0 10px;font-size:14px;color:#1f2328;white-space:pre-wrap;border-bottom:1px solid #d0d7de;">${body(clip(entry.body))}</td></tr>`,
    )
    .join('');
  const omittedNote =
    omitted > 0
      ? `<tr><td style="${FONT}padding:6px 0;font-size:13px;color:#57606a;font-style:italic;">${omitted} earlier ${omitted === 1 ? 'message' : 'messages'} not shown.</td></tr>`
      : '';
  const buttons = ACTIONS.map(({ action, label, color }) =>
    button(actionLink(portalUrl, request.id, action, recipient.kind), label, color),
  ).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="x-apple-disable-message-reformatting"><meta name="color-scheme" content="light"><title>${e(renderSubject(input))}</title>
<style>@media only screen and (max-width:480px){.buttons{width:100%!important}.button-cell{display:block!important;padding:0 0 8px 0!important}.button-cell table{width:100%!important}.button-cell a{display:block!important;text-align:center!important}}</style></head>
<body style="margin:0;padding:0;background:#f6f8fa;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:#f6f8fa;">${e(preview(input))}</div>
<main role="main">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px;">
<tr><td style="padding:20px 24px;border-bottom:1px solid #d0d7de;"><h1 style="${FONT}margin:0;font-size:18px;line-height:24px;font-weight:600;color:#1f2328;">${kind === 'reminder' ? 'Reminder: your approval is needed' : kind === 'content_changed' ? 'The ticket changed: your approval is needed again' : 'Your approval is needed'}</h1></td></tr>
<tr><td style="padding:20px 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr><td dir="auto" style="${FONT}${TEXT}font-size:15px;color:#1f2328;padding-bottom:16px;">Hello ${e(recipient.name)},<br>${ask}${behalf ? `<br>${e(behalfSentence(behalf))}` : ''}</td></tr>
${changed}<tr><td style="padding-bottom:16px;"><table role="presentation" cellpadding="0" cellspacing="0">
${row('Ticket', `#${e(request.ticket.number)} ${e(request.ticket.subject)}`)}
${row('Requester', `${e(request.ticket.requester.name)} &lt;${e(request.ticket.requester.email)}&gt;`)}
${row('Request', e(request.id))}${termRows(request)}
</table></td></tr>
${message}
<tr><td style="padding-bottom:12px;"><table class="buttons" role="presentation" cellpadding="0" cellspacing="0"><tr>${buttons}</tr></table></td></tr>
<tr><td style="${FONT}font-size:15px;font-weight:600;color:#1f2328;padding:8px 0 4px;border-bottom:1px solid #d0d7de;">Conversation</td></tr>
<tr><td><table role="presentation" width="100%" cellpadding="0" cellspacing="0">${omittedNote}${conversation || `<tr><td style="${FONT}padding:10px 0;font-size:14px;color:#57606a;">No messages.</td></tr>`}</table></td></tr>
</table></td></tr>
<tr><td style="${FONT}padding:16px 24px;border-top:1px solid #d0d7de;font-size:12px;color:#57606a;">You will be asked to sign in and confirm before your answer is recorded. Opening a link records nothing by itself.</td></tr>
</table></td></tr></table>
</main>
</body></html>
`;
}

export function renderMail(input: MailInput): RenderedMail {
  return { subject: renderSubject(input), html: renderHtml(input), text: renderText(input) };
}

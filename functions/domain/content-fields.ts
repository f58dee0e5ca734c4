import type { ContentFieldChange } from './types.js';

/**
 * How mail and the portal show the fields of a content change (made by `contentChanges` in
 * content.ts). A module of its own with type imports only: the portal bundles it.
 */
const CONTENT_FIELD_LABELS: Readonly<Record<string, string>> = {
  'ticket.number': 'Ticket number',
  'ticket.subject': 'Subject',
  'ticket.requester': 'Requester',
  'ticket.conversation': 'Conversation',
  message: 'Message',
  policy: 'Policy',
};

/** The label of a changed field; a field without one is shown by its name. */
export const contentFieldLabel = (field: string): string => CONTENT_FIELD_LABELS[field] ?? field;

/** A changed field's values as one line: `before → after`, the new value alone, or the old one "(removed)". */
export const contentChangeText = (c: ContentFieldChange): string =>
  c.before !== null && c.after !== null ? `${c.before} → ${c.after}` : (c.after ?? `${c.before} (removed)`);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Plain-text parts: strip control characters that could forge headers or break layout. */
export function plain(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** One line for a subject: no line breaks, bounded length. */
export function subjectLine(value: string, max = 150): string {
  const line = plain(value).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A single-line field (a name, a subject, a ticket number) in either part: every line break
 * (CR, LF, NEL, U+2028/2029, VT, FF) becomes a space, so a value can never start a line of its
 * own, e.g. a fake "Approve: https://evil.example" above the real links.
 */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: vertical tab and form feed break lines in a text/plain mail too
  return plain(value.replace(/[ \t]*[\r\n\u000b\u000c\u0085\u2028\u2029]+[ \t]*/g, ' ')).trim();
}

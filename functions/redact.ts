const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Logs keep enough to debug, never a whole address or a token: `a***@example.com`, `[token]`. */
export function redact(text: string): string {
  return text.replace(JWT, '[token]').replace(EMAIL, '$1***@$2');
}

/** An error as a log field, with its message and stack redacted. */
export function redactError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redact(String(error)) };
  return { name: error.name, message: redact(error.message), stack: error.stack ? redact(error.stack) : undefined };
}

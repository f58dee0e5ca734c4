/**
 * Structured JSON logs: one line per entry with `level`, `message`, `timestamp`, `service` and the
 * extra keys, errors as `{name, message, stack}` — the shape the Powertools Logger writes, so the
 * metric filters on `$.message` (lib/observability.ts) and Logs Insights queries read it the same.
 *
 * Written here rather than imported: the Powertools Logger and its commons package put ~21 KiB
 * into every handler bundle, about 40 % of what a handler may add on top of the SDK
 * (tools/bundle-size.ts), for the three methods we call. Never log a token or a full email
 * address (see redact.ts).
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = keyof typeof LEVELS;

const threshold: number = LEVELS[(process.env.LOG_LEVEL?.toUpperCase() ?? 'INFO') as Level] ?? LEVELS.INFO;

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

function write(level: Exclude<Level, 'SILENT'>, message: string, extra?: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  const entry: Record<string, unknown> = { level, message, timestamp: new Date().toISOString(), service: 'signoff' };
  for (const [key, value] of Object.entries(extra ?? {})) entry[key] = serialise(value);
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

export const logger = {
  debug: (message: string, extra?: Record<string, unknown>) => write('DEBUG', message, extra),
  info: (message: string, extra?: Record<string, unknown>) => write('INFO', message, extra),
  warn: (message: string, extra?: Record<string, unknown>) => write('WARN', message, extra),
  error: (message: string, extra?: Record<string, unknown>) => write('ERROR', message, extra),
};

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../functions/domain/error-codes.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the error-code catalogue', () => {
  it('is what docs/api.md publishes: every code, its status and its meaning', () => {
    const page = readFileSync(resolve(ROOT, 'docs/api.md'), 'utf8');
    const section = page.slice(page.indexOf('## Error codes'));
    const rows = [...section.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|$/gm)].map(([, code, status, meaning]) => [
      code,
      { status: Number(status), meaning },
    ]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_CODES);
  });

  it('gives every code a caller can cause a 4xx, and only internal_error and unavailable a 5xx', () => {
    const fiveHundreds = Object.entries(ERROR_CODES).filter(([, e]) => e.status >= 500);
    expect(fiveHundreds.map(([code]) => code).sort()).toEqual(['internal_error', 'unavailable']);
  });
});

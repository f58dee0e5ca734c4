import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allHandlers, JOBS, ROUTES } from '../../functions/handlers/routes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const load = async (entry: string) => (await import(pathToFileURL(resolve(ROOT, entry)).href)) as { handler: unknown };

describe('the route table', () => {
  it('names every route and job once, and routes no method and path twice', () => {
    const names = allHandlers().map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('points every row at a handler file of its own', () => {
    const entries = allHandlers().map((h) => h.entry);
    expect(entries.filter((entry) => !existsSync(resolve(ROOT, entry)))).toEqual([]);
    expect(new Set(entries).size).toBe(entries.length);
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: its handler serves its own row (and so checks its groups)', async (name, route) => {
    const { handler } = await load(route.entry);
    expect((handler as { routeName?: string }).routeName).toBe(name);
  });

  it.each(Object.values(JOBS).map((j) => [j.name, j] as const))('%s: its handler is a function', async (_name, job) => {
    expect(typeof (await load(job.entry)).handler).toBe('function');
  });
});

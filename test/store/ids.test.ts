import { describe, expect, it } from 'vitest';
import { ulid } from '../../functions/store/ids.js';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('ulid', () => {
  it('is 26 characters of Crockford base32 that start with the time', () => {
    const at = Date.parse('2026-12-02T01:00:00Z');
    const id = ulid(at);
    expect(id).toMatch(CROCKFORD);
    expect(ulid(at + 1).slice(0, 10) > id.slice(0, 10)).toBe(true);
    expect(ulid(at + 1000).slice(0, 10)).not.toBe(id.slice(0, 10));
  });

  it('keeps ids made in the same millisecond in the order they were made', () => {
    const at = Date.parse('2026-12-02T01:00:01Z');
    const ids = Array.from({ length: 1000 }, () => ulid(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBe(1);
  });

  it('never goes backwards when the clock does', () => {
    const at = Date.parse('2026-12-02T01:00:02Z');
    const ids = [ulid(at), ulid(at - 5000), ulid(at - 1), ulid(at + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('sorts by creation time across milliseconds', () => {
    const at = Date.parse('2026-12-02T01:00:03Z');
    const ids = Array.from({ length: 50 }, (_, i) => ulid(at + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });
});

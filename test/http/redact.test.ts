import { describe, expect, it } from 'vitest';
import { redact, redactError } from '../../functions/redact.js';

describe('redact', () => {
  it('keeps the first letter and the domain of an email address, and drops tokens', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(redact(`Email address is not verified: alice.anders@example.com (Bearer ${token})`)).toBe(
      'Email address is not verified: a***@example.com (Bearer [token])',
    );
  });

  it('redacts message and stack of an error', () => {
    const fields = redactError(new Error('rejected bob@example.org'));
    expect(fields.message).toBe('rejected b***@example.org');
    expect(String(fields.stack)).not.toContain('bob@example.org');
  });
});

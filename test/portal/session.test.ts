import { describe, expect, it } from 'vitest';
import { claimsOf, groupsOf, sessionFromTokens } from '../../portal/src/session.js';

const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

describe('session', () => {
  it('reads the claims of an ID token, UTF-8 included', () => {
    expect(claimsOf(jwt({ email: 'zoë@example.com', name: 'Zoë Ünal' }))).toEqual({ email: 'zoë@example.com', name: 'Zoë Ünal' });
  });

  it('reads cognito:groups as an array or as the string forms API Gateway uses', () => {
    expect(groupsOf({ 'cognito:groups': ['users'] })).toEqual(['users']);
    expect(groupsOf({ 'cognito:groups': '[users contacts]' })).toEqual(['users', 'contacts']);
    expect(groupsOf({ 'cognito:groups': 'contacts' })).toEqual(['contacts']);
    expect(groupsOf({})).toEqual([]);
  });

  it('expires at the earlier of the token expiry and ExpiresIn', () => {
    const now = 1_000_000_000_000;
    const idToken = jwt({ email: 'a@example.com', exp: now / 1000 + 3600, 'cognito:groups': ['users'] });
    const session = sessionFromTokens({ idToken, accessToken: 'access', refreshToken: 'refresh', expiresIn: 600 }, null, now);
    expect(session).toEqual({
      idToken,
      accessToken: 'access',
      refreshToken: 'refresh',
      expiresAt: now + 600_000,
      email: 'a@example.com',
      groups: ['users'],
    });
  });

  it('keeps the refresh token of the session it refreshes', () => {
    const idToken = jwt({ email: 'a@example.com', exp: 2_000_000_000 });
    const first = sessionFromTokens({ idToken, accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    const refreshed = sessionFromTokens({ idToken, accessToken: 'a2', expiresIn: 3600 }, first);
    expect(refreshed.refreshToken).toBe('r1');
    expect(refreshed.accessToken).toBe('a2');
  });
});

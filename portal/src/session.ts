import type { Tokens } from './cognito.js';

/**
 * The signed-in approver's tokens, kept in sessionStorage: they survive a reload of the tab
 * (so a mail link that reloads the page does not sign the approver out) and are gone when the
 * tab or browser closes. They are never written to localStorage, where a 30-day refresh token
 * would outlive the visit and wait for any script that gets to read it.
 */
export interface Session {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the ID token stops being accepted, in ms since the epoch. */
  expiresAt: number;
  email: string;
  groups: string[];
}

const KEY = 'signoff.portal.session';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be switched off; the session then lives in memory for this page only.
    return null;
  }
}

let memory: Session | null = null;

/** The claims of a JWT, without checking the signature: the API does that on every call. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const base64 = payload
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** `cognito:groups` is a JSON array in the token; accept the API Gateway string forms too. */
export function groupsOf(claims: Record<string, unknown>): string[] {
  const raw = claims['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string')
    return raw
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

export function sessionFromTokens(tokens: Tokens, previous?: Session | null, now = Date.now()): Session {
  const claims = claimsOf(tokens.idToken);
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
  return {
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? previous?.refreshToken ?? null,
    expiresAt: Math.min(exp, now + tokens.expiresIn * 1000),
    email: typeof claims.email === 'string' ? claims.email : (previous?.email ?? ''),
    groups: groupsOf(claims),
  };
}

const isSession = (value: unknown): value is Session => {
  const s = value as Partial<Session> | null;
  return typeof s?.idToken === 'string' && typeof s.accessToken === 'string' && typeof s.expiresAt === 'number' && Array.isArray(s.groups);
};

export function readSession(): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return memory;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function writeSession(session: Session | null): void {
  memory = session;
  const store = storage();
  if (!store) return;
  if (session) store.setItem(KEY, JSON.stringify(session));
  else store.removeItem(KEY);
}

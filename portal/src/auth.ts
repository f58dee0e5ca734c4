import { CognitoClient, CognitoError, type SignInResult } from './cognito.js';
import { readSession, type Session, sessionFromTokens, writeSession } from './session.js';

/** Refresh this long before the ID token expires, so a request never carries a dying token. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

export type AuthListener = (session: Session | null) => void;

/**
 * The approver's sign-in state: signs in and out, refreshes the tokens with the refresh token
 * when they are about to expire (or when the API refuses them), and tells listeners.
 */
export class Auth {
  readonly cognito: CognitoClient;
  private session: Session | null = readSession();
  private listeners = new Set<AuthListener>();
  private refreshing: Promise<Session | null> | null = null;
  /** Why the approver was signed out, shown on the sign-in form. */
  notice: string | null = null;

  constructor(endpoint: string, clientId: string) {
    this.cognito = new CognitoClient(endpoint, clientId);
  }

  current(): Session | null {
    return this.session;
  }

  subscribe(listener: AuthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(session: Session | null): void {
    this.session = session;
    writeSession(session);
    for (const listener of this.listeners) listener(session);
  }

  /** Signs in, or answers that a new password is needed first. */
  async signIn(email: string, password: string): Promise<SignInResult> {
    const result = await this.cognito.signIn(email.trim(), password);
    if (result.kind === 'signed-in') this.start(result.tokens);
    return result;
  }

  async completeNewPassword(username: string, session: string, newPassword: string): Promise<void> {
    const result = await this.cognito.completeNewPassword(username, session, newPassword);
    if (result.kind !== 'signed-in') throw new CognitoError('UnsupportedChallenge', 'Cognito asked for another password change.');
    this.start(result.tokens);
  }

  private start(tokens: Parameters<typeof sessionFromTokens>[0]): void {
    this.notice = null;
    this.set(sessionFromTokens(tokens));
  }

  /** An ID token good for at least a little while, refreshed first if needed; null when signed out. */
  async idToken(options: { forceRefresh?: boolean } = {}): Promise<string | null> {
    const session = this.session;
    if (!session) return null;
    if (!options.forceRefresh && session.expiresAt - Date.now() > REFRESH_MARGIN_MS) return session.idToken;
    return (await this.refresh())?.idToken ?? null;
  }

  /** One refresh at a time: concurrent API calls wait for the same one. */
  refresh(): Promise<Session | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<Session | null> {
    const session = this.session;
    if (!session?.refreshToken) {
      this.expire();
      return null;
    }
    try {
      const next = sessionFromTokens(await this.cognito.refresh(session.refreshToken), session);
      this.set(next);
      return next;
    } catch (error) {
      // A refused refresh token (revoked, expired, password changed) means signing in again;
      // anything else (offline) keeps the session for the next try.
      if (error instanceof CognitoError) {
        this.expire();
        return null;
      }
      throw error;
    }
  }

  /** The session is over without the approver asking: sign in again, and say why. */
  expire(message = 'Your session has ended. Please sign in again.'): void {
    this.notice = message;
    this.set(null);
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    this.notice = 'You are signed out.';
    this.set(null);
    // Best effort: the local session is gone either way.
    if (refreshToken) await this.cognito.revoke(refreshToken).catch(() => undefined);
  }
}

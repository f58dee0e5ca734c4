/**
 * The few Cognito user pool calls the portal needs, straight against the Cognito JSON API with
 * fetch: no SDK, no Amplify. Every call here is one an app client without a secret may make
 * unauthenticated, so no AWS signature is involved; the same code talks to cognito-local.
 */

export interface Tokens {
  idToken: string;
  accessToken: string;
  /** Absent on a refresh: Cognito keeps the refresh token it issued at sign-in. */
  refreshToken?: string;
  expiresIn: number;
}

export type SignInResult = { kind: 'signed-in'; tokens: Tokens } | { kind: 'new-password-required'; username: string; session: string };

/** Cognito said no; `code` is the exception name, e.g. `NotAuthorizedException`. */
export class CognitoError extends Error {
  override name = 'CognitoError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cognito could not be reached at all (offline, blocked, DNS). */
export class CognitoUnreachableError extends Error {
  override name = 'CognitoUnreachableError';
}

interface AuthenticationResult {
  IdToken?: string;
  AccessToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

interface AuthResponse {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
}

export class CognitoClient {
  constructor(
    private readonly endpoint: string,
    private readonly clientId: string,
  ) {}

  private async call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify({ ClientId: this.clientId, ...body }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (cause) {
      throw new CognitoUnreachableError('The sign-in service could not be reached.', { cause });
    }
    const text = await response.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A proxy's HTML error page, say; the status code below still tells what happened.
    }
    if (!response.ok) {
      // `__type` may carry a namespace prefix (`com.amazon…#NotAuthorizedException`).
      const type = String(data.__type ?? response.headers.get('x-amzn-errortype') ?? `Http${response.status}`);
      const code = type.split('#').pop()?.split(':')[0] ?? type;
      throw new CognitoError(code, String(data.message ?? data.Message ?? `Cognito answered ${response.status}`));
    }
    return data as T;
  }

  private static tokens(result: AuthenticationResult | undefined): Tokens {
    if (!result?.IdToken || !result.AccessToken) throw new CognitoError('IncompleteResponse', 'Cognito returned no tokens.');
    return {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
      expiresIn: result.ExpiresIn ?? 3600,
    };
  }

  private static outcome(response: AuthResponse, username: string): SignInResult {
    if (response.AuthenticationResult) return { kind: 'signed-in', tokens: CognitoClient.tokens(response.AuthenticationResult) };
    if (response.ChallengeName === 'NEW_PASSWORD_REQUIRED' && response.Session) {
      return {
        kind: 'new-password-required',
        username: response.ChallengeParameters?.USER_ID_FOR_SRP ?? username,
        session: response.Session,
      };
    }
    throw new CognitoError(
      'UnsupportedChallenge',
      `This account needs a sign-in step the portal does not support (${response.ChallengeName}).`,
    );
  }

  async signIn(email: string, password: string): Promise<SignInResult> {
    const response = await this.call<AuthResponse>('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    return CognitoClient.outcome(response, email);
  }

  async completeNewPassword(username: string, session: string, newPassword: string): Promise<SignInResult> {
    const response = await this.call<AuthResponse>('RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    });
    return CognitoClient.outcome(response, username);
  }

  async refresh(refreshToken: string): Promise<Tokens> {
    const response = await this.call<AuthResponse>('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    return CognitoClient.tokens(response.AuthenticationResult);
  }

  /** Sends a reset code; answers where it went (masked), when Cognito says. */
  async forgotPassword(email: string): Promise<{ destination: string | null }> {
    const response = await this.call<{ CodeDeliveryDetails?: { Destination?: string } }>('ForgotPassword', { Username: email });
    return { destination: response.CodeDeliveryDetails?.Destination ?? null };
  }

  async confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
    await this.call('ConfirmForgotPassword', { Username: email, ConfirmationCode: code, Password: newPassword });
  }

  /** Ends the refresh token's life at Cognito, so a copy of it is worthless after sign-out. */
  async revoke(refreshToken: string): Promise<void> {
    await this.call('RevokeToken', { Token: refreshToken });
  }
}

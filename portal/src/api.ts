import type { Auth } from './auth.js';
import { BASE } from './config.js';
import type { ApprovalSummary, ApprovalView, Delegation, DelegationBody, ResponseBody } from './types.js';

/** The API said no; `status` and `code` come from its `{"error": {code, message}}` body. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const GENERIC = 'Something went wrong on our side. Please try again in a moment.';

/**
 * How often an answer is sent again when it lost the race against other approvers' answers
 * (409 concurrent_update: nothing was recorded, so sending it again is safe), and the pause
 * before each: growing, with jitter, so the racers spread out.
 */
export const CONCURRENT_RETRIES = 3;
const retryPause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 150 * attempt + Math.random() * 150 * attempt));

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const message = response.status >= 500 ? GENERIC : (body?.error?.message ?? `The request failed (HTTP ${response.status}).`);
  return new ApiError(response.status, body?.error?.code ?? `http_${response.status}`, message);
}

/** The portal routes of the Signoff API, called with the approver's ID token. */
export class PortalApi {
  constructor(private readonly auth: Auth) {}

  private async send(path: string, init: RequestInit = {}, retried = false): Promise<Response> {
    const token = await this.auth.idToken({ forceRefresh: retried });
    if (!token) throw new ApiError(401, 'signed_out', 'Please sign in.');
    let response: Response;
    try {
      response = await fetch(`${BASE}${path}`, {
        ...init,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'unreachable', 'The portal could not be reached. Check your connection and try again.');
    }
    if (response.status === 401) {
      // The token may have expired in between, or been issued before a password change:
      // one refresh and one retry, then the approver signs in again.
      if (!retried) return this.send(path, init, true);
      this.auth.expire();
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async listApprovals(): Promise<ApprovalSummary[]> {
    const body = (await (await this.send('approvals')).json()) as { approvals: ApprovalSummary[] };
    return body.approvals;
  }

  async getApproval(requestId: string): Promise<ApprovalView> {
    return (await (await this.send(`approvals/${encodeURIComponent(requestId)}`)).json()) as ApprovalView;
  }

  /** The signed receipt of a closed request: `{receipt, payload}` (the JWS and its decoded payload). */
  async getReceipt(requestId: string): Promise<{ receipt: string; payload: unknown }> {
    return (await (await this.send(`approvals/${encodeURIComponent(requestId)}/receipt`)).json()) as { receipt: string; payload: unknown };
  }

  /** Records the answer; one that lost a race with other answers is sent again (see CONCURRENT_RETRIES). */
  async respond(requestId: string, body: ResponseBody, pause = retryPause): Promise<ApprovalView> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.send(`approvals/${encodeURIComponent(requestId)}/responses`, {
          method: 'POST',
          body: JSON.stringify(body),
        });
        return (await response.json()) as ApprovalView;
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'concurrent_update') || attempt > CONCURRENT_RETRIES) throw error;
        await pause(attempt);
      }
    }
  }

  /** The approver's own delegation (out of office), or null. */
  async getDelegation(): Promise<Delegation | null> {
    return ((await (await this.send('delegation')).json()) as { delegation: Delegation | null }).delegation;
  }

  async setDelegation(body: DelegationBody): Promise<Delegation> {
    const response = await this.send('delegation', { method: 'PUT', body: JSON.stringify(body) });
    return ((await response.json()) as { delegation: Delegation }).delegation;
  }

  async clearDelegation(): Promise<void> {
    await this.send('delegation', { method: 'DELETE' });
  }
}

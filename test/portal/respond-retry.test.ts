import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, CONCURRENT_RETRIES, PortalApi } from '../../portal/src/api.js';
import type { Auth } from '../../portal/src/auth.js';

const auth = { idToken: async () => 'token', expire: () => {} } as unknown as Auth;
const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const lostRace = () => reply(409, { error: { code: 'concurrent_update', message: 'The request changed at the same time; retry.' } });
const noPause = async () => {};

describe('the portal sending an answer', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends an answer that lost a race with other answers again, and shows the recorded one', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(lostRace())
      .mockResolvedValueOnce(lostRace())
      .mockResolvedValueOnce(reply(200, { id: 'r1', status: 'approved' }));
    vi.stubGlobal('fetch', fetch);
    const view = await new PortalApi(auth).respond('r1', { decision: 'approve' }, noPause);
    expect(view).toEqual({ id: 'r1', status: 'approved' });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(fetch.mock.calls.map((call) => call[1].body)).toEqual(Array(3).fill(JSON.stringify({ decision: 'approve' })));
  });

  it('gives up after its retries and says why', async () => {
    const fetch = vi.fn().mockImplementation(async () => lostRace());
    vi.stubGlobal('fetch', fetch);
    const sent = new PortalApi(auth).respond('r1', { decision: 'approve' }, noPause);
    await expect(sent).rejects.toEqual(new ApiError(409, 'concurrent_update', 'The request changed at the same time; retry.'));
    expect(fetch).toHaveBeenCalledTimes(1 + CONCURRENT_RETRIES);
  });

  it('does not send again an answer refused for any other reason', async () => {
    const fetch = vi.fn().mockResolvedValue(reply(409, { error: { code: 'already_responded', message: 'You already answered.' } }));
    vi.stubGlobal('fetch', fetch);
    await expect(new PortalApi(auth).respond('r1', { decision: 'approve' }, noPause)).rejects.toMatchObject({ code: 'already_responded' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

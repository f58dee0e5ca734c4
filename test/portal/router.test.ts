import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from '../../portal/src/router.js';

const at = (url: string) => {
  const { pathname, search } = new URL(url, 'http://portal.test');
  return parseRoute({ pathname, search });
};

describe('parseRoute', () => {
  it('opens My approvals at the portal root', () => {
    expect(at('/portal/')).toEqual({ page: 'list' });
  });

  it('reads the request id and the action of a mail link', () => {
    const id = '01JDEMO000000000000000000.VDE';
    expect(at(`/portal/requests/${encodeURIComponent(id)}?action=approve`)).toEqual({
      page: 'request',
      requestId: id,
      action: 'approve',
      portal: null,
    });
    expect(at(`/portal/requests/${encodeURIComponent(id)}?action=approve&portal=contacts`)).toEqual({
      page: 'request',
      requestId: id,
      action: 'approve',
      portal: 'contacts',
    });
    expect(at('/portal/requests/abc?portal=admins')).toEqual({ page: 'request', requestId: 'abc', action: null, portal: null });
    expect(at(`/portal/requests/${id}?action=feedback`)).toMatchObject({ action: 'feedback' });
    expect(at(`/portal/requests/${id}`)).toMatchObject({ action: null });
  });

  it('ignores an action it does not know', () => {
    expect(at('/portal/requests/abc?action=delete')).toEqual({ page: 'request', requestId: 'abc', action: null, portal: null });
  });

  it('treats anything else as an unknown page', () => {
    expect(at('/portal/requests/a/b')).toEqual({ page: 'unknown' });
    expect(at('/portal/requests/%E0%A4%A')).toEqual({ page: 'unknown' });
    expect(at('/elsewhere/')).toEqual({ page: 'unknown' });
  });

  it('builds the links it reads', () => {
    const id = 'weird id/with#chars';
    expect(at(hrefOf.request(id))).toEqual({ page: 'request', requestId: id, action: null, portal: null });
    expect(at(hrefOf.list())).toEqual({ page: 'list' });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { allApprovers, call, technicianToken, unique } from '../support/api.js';
import { listedEntry, type OwnTableModules, ownTableModules } from '../support/own-table.js';

/** Approver ids end up in URL paths and access logs: new ones may not be email addresses. */
describe('approver ids', () => {
  it('refuses a new approver id with "@" (400) and lists nobody', async () => {
    const technician = await technicianToken();
    const approverId = `${unique('ann')}@example.com`;
    const reply = await call('PUT', `/directory/approvers/${encodeURIComponent(approverId)}`, {
      token: technician,
      body: { kind: 'user', email: `${unique('ann')}@example.com`, name: 'Ann' },
    });
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: 'invalid_approver_id' });
    expect((await allApprovers(technician)).map((a) => a.approverId)).not.toContain(approverId);
  });

  describe('an id with "@" listed before the rule', () => {
    let directory: OwnTableModules['directory'];
    let store: OwnTableModules['approvers'];
    beforeAll(async () => {
      ({ directory, approvers: store } = await ownTableModules('approver-ids'));
    });

    it('can still be updated', async () => {
      const entry = listedEntry({ approverId: 'legacy@example.com', name: 'Legacy', email: 'legacy@example.com', sub: 'sub-legacy' });
      await store.saveApprover(entry, null);
      const updated = await directory.putApprover('legacy@example.com', {
        kind: 'user',
        email: 'legacy@example.com',
        name: 'Legacy, renamed',
      });
      expect(updated).toMatchObject({ created: false, entry: { approverId: 'legacy@example.com', name: 'Legacy, renamed' } });
    });
  });
});

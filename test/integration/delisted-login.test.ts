import { beforeAll, describe, expect, it } from 'vitest';
import { listedEntry, type OwnTableModules, ownTableModules } from '../support/own-table.js';

/**
 * The portal's check that a caller is still listed reads the login item. DynamoDB Local is
 * always consistent, so what is checked here is the read DynamoDB is asked for: an eventually
 * consistent read could let a just-delisted approver through on real DynamoDB.
 */
let directory: OwnTableModules['approvers'];
let client: OwnTableModules['client'];

beforeAll(async () => {
  ({ approvers: directory, client } = await ownTableModules('delisted-login'));
});

describe('reading a login', () => {
  it('reads the login strongly consistently, so a just-delisted approver is refused at once', async () => {
    const entry = listedEntry({ approverId: 'u-delisted', name: 'D', email: 'd@test.example', sub: 'sub-delisted' });
    await directory.saveApprover(entry, null);
    await directory.delistApprover(entry, '2026-01-02T00:00:00.000Z');

    const reads: { ConsistentRead?: boolean }[] = [];
    client.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') reads.push(args.input as { ConsistentRead?: boolean });
        return next(args);
      },
      { step: 'initialize', name: 'recordGetItem' },
    );
    try {
      expect(await directory.getLogin('sub-delisted')).toEqual({ approverId: 'u-delisted', kind: 'user', listed: false });
    } finally {
      client.dynamodb.middlewareStack.remove('recordGetItem');
    }
    expect(reads.map((r) => r.ConsistentRead)).toEqual([true]);
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/env.js';
import { resourcesOf, type Synthesized, synth } from './synth.js';

const RETIRED = 'arn:aws:kms:eu-west-1:123456789012:key/0f0f0f0f-1111-2222-3333-444455556666';

type Statement = { Action: string | string[]; Resource: unknown };
const actions = (s: Statement) => [s.Action].flat();

let prod: Synthesized;
beforeAll(() => {
  prod = synth({ stage: 'prod', senderEmail: 'approvals@signoff.example', retiredReceiptKeys: RETIRED });
});

/** The statements of every role, by the description of the function that has it. */
function statementsByFunction(): Map<string, Statement[]> {
  const { template } = prod;
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
  const result = new Map<string, Statement[]>();
  for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
    const description = String(fn.Properties.Description ?? '');
    const role = (fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    const statements = policies
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    result.set(description, statements);
  }
  return result;
}

const keyId = () => {
  const keys = resourcesOf(prod.template, 'AWS::KMS::Key');
  const signing = Object.entries(keys).filter(([, k]) => (k.Properties as { KeyUsage?: string }).KeyUsage === 'SIGN_VERIFY');
  expect(signing).toHaveLength(1);
  return signing[0]![0];
};

describe('receipt signing keys', () => {
  it('signs with an asymmetric P-256 KMS key that outlives the stack', () => {
    prod.template.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      DeletionPolicy: 'Retain',
    });
  });

  it('lets the receipt job only kms:Sign, on that key only', () => {
    const [, statements] = [...statementsByFunction()].find(([d]) => d.startsWith('Signoff receipts ('))!;
    const kms = statements.filter((s) => actions(s).some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([expect.objectContaining({ Action: 'kms:Sign', Resource: { 'Fn::GetAtt': [keyId(), 'Arn'] } })]);
  });

  it('lets the JWKS function only kms:GetPublicKey, on the current and the retired keys', () => {
    const [, statements] = [...statementsByFunction()].find(([d]) => d.startsWith('Signoff jwks ('))!;
    const kms = statements.filter((s) => actions(s).some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([expect.objectContaining({ Action: 'kms:GetPublicKey' })]);
    expect(kms[0]!.Resource).toHaveLength(2);
    expect(kms[0]!.Resource).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [keyId(), 'Arn'] }, RETIRED]));
  });

  it('gives no other function any use of the signing key', () => {
    const id = keyId();
    for (const [description, statements] of statementsByFunction()) {
      if (/^Signoff (receipts|jwks) \(/.test(description)) continue;
      const touching = statements.filter((s) => JSON.stringify(s.Resource ?? null).includes(id));
      expect(touching, description).toEqual([]);
    }
  });

  it('names the current key first, then the retired ones, to the functions that use them', () => {
    for (const name of ['receipts', 'jwks']) {
      prod.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(`^Signoff ${name} \\(`),
        Environment: {
          Variables: Match.objectLike({ [ENV.receiptKeyIds]: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [keyId(), 'Arn'] }, `,${RETIRED}`]] } }),
        },
      });
    }
  });

  it('wakes the receipt job on receipt inserts only', () => {
    prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('"entity":\\{"S":\\["receipt"\\]') }] },
    });
  });
});

import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENDER, readStageConfig } from '../../lib/stage-config.js';

const read = (context: Record<string, unknown>) => readStageConfig(new App({ context }));

describe('readStageConfig', () => {
  it('defaults to a dev stage with the example sender, so a fresh clone synthesises', () => {
    expect(read({})).toEqual({
      stage: 'dev',
      isDev: true,
      senderEmail: DEFAULT_SENDER,
      portalDomain: undefined,
      certificateArn: undefined,
      alarmEmail: undefined,
      sesSandbox: false,
      wafRateLimit: undefined,
      apiDomain: undefined,
      apiCertificateArn: undefined,
      mfa: 'optional',
      receiptKeyGeneration: 1,
      retiredReceiptKeys: [],
    });
  });

  it('reads the edge and MFA options, and refuses values that cannot work', () => {
    expect(read({ wafRateLimit: '2000', mfa: 'required' })).toMatchObject({ wafRateLimit: 2000, mfa: 'required' });
    expect(() => read({ wafRateLimit: '5' })).toThrow(/wafRateLimit/);
    expect(() => read({ mfa: 'sometimes' })).toThrow(/mfa/);
    expect(() => read({ apiDomain: 'api.example.org' })).toThrow(/apiCertificateArn/);
  });

  it('reads sesSandbox as a flag, from -c (a string) or cdk.json (a boolean)', () => {
    expect(read({ sesSandbox: 'true' }).sesSandbox).toBe(true);
    expect(read({ sesSandbox: true }).sesSandbox).toBe(true);
    expect(read({ sesSandbox: 'false' }).sesSandbox).toBe(false);
    expect(() => read({ sesSandbox: 'yes' })).toThrow(/sesSandbox/);
  });

  it('treats dev-<name> stages as dev and everything else as kept', () => {
    expect(read({ stage: 'dev-alice' }).isDev).toBe(true);
    expect(read({ stage: 'prod' }).isDev).toBe(false);
    expect(read({ stage: 'developer' }).isDev).toBe(false);
  });

  it('rejects a stage name CloudFormation or resource names would choke on', () => {
    expect(() => read({ stage: 'Prod_1' })).toThrow(/context stage/);
  });

  it('rejects a sender that is not an email address', () => {
    expect(() => read({ senderEmail: 'approvals' })).toThrow(/senderEmail/);
  });

  it('wants a portal domain and its certificate together, the certificate in us-east-1', () => {
    expect(() => read({ portalDomain: 'approvals.example.org' })).toThrow(/go together/);
    expect(() =>
      read({ portalDomain: 'approvals.example.org', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }),
    ).toThrow(/us-east-1/);
    expect(
      read({ portalDomain: 'Approvals.Example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }).portalDomain,
    ).toBe('approvals.example.org');
  });
});

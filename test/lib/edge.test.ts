import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOBS, ROUTES } from '../../functions/handlers/routes.js';
import { RESERVED_CONCURRENCY } from '../../lib/handlers.js';
import { resourcesOf, type Synthesized, synth } from './synth.js';

let plain: Synthesized;
let hardened: Synthesized;

beforeAll(() => {
  plain = synth({ stage: 'dev' });
  hardened = synth({
    stage: 'prod',
    wafRateLimit: '1000',
    apiDomain: 'api.approvals.example.org',
    apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234',
    mfa: 'required',
  });
});

const functionNamed = (s: Synthesized, name: string) =>
  Object.values(
    s.template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(`^Signoff ${name} \\(`) } }),
  )[0] as { Properties: { ReservedConcurrentExecutions?: number } };

describe('the deployed edge', () => {
  it('has no web ACL unless asked, and a per-IP rate rule on CloudFront with context wafRateLimit', () => {
    plain.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const [id, acl] = Object.entries(resourcesOf(hardened.template, 'AWS::WAFv2::WebACL'))[0]!;
    expect(acl.Properties).toMatchObject({
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000 } },
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
        },
      ],
    });
    hardened.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [id, 'Arn'] } }),
    });
  });

  it('reserves concurrency for the public functions and the jobs, and only for them', () => {
    for (const route of ROUTES) {
      expect(functionNamed(plain, route.name).Properties.ReservedConcurrentExecutions, route.name).toBe(
        route.access === 'public' ? RESERVED_CONCURRENCY.public : undefined,
      );
    }
    expect(functionNamed(plain, JOBS.mailer.name).Properties.ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.mailer);
    expect(functionNamed(plain, JOBS.sweeper.name).Properties.ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.sweeper);
    expect(functionNamed(plain, JOBS.mailEvents.name).Properties.ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.mailEvents);
  });

  it('turns the execute-api endpoint off when CloudFront reaches the API through its custom domain', () => {
    plain.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
    hardened.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    const [domainId] = Object.keys(resourcesOf(hardened.template, 'AWS::ApiGatewayV2::DomainName'));
    hardened.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    const distribution = Object.values(resourcesOf(hardened.template, 'AWS::CloudFront::Distribution'))[0]!;
    const origins = (distribution.Properties.DistributionConfig as { Origins: { DomainName: unknown }[] }).Origins;
    expect(origins.map((o) => o.DomainName)).toContainEqual({ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] });
  });
});

describe('identity', () => {
  it('lets approvers read but not change their email and name through the app clients', () => {
    const clients = Object.values(resourcesOf(plain.template, 'AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.Properties.WriteAttributes).toEqual(['locale']);
      expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['email', 'name']));
    }
  });

  it('offers TOTP, and requires it with context mfa=required', () => {
    plain.template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    hardened.template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });
});

import { Stack, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeWafProps {
  stage: string;
  /** Requests per 5 minutes from one IP address before WAF blocks it (429) for a while. */
  rateLimitPerIp: number;
}

/**
 * An AWS WAF web ACL on the CloudFront distribution with one per-IP rate-based rule: the stage
 * throttle of the HTTP API is shared by all callers, so one noisy client would starve the rest.
 * HTTP APIs cannot take a web ACL themselves; CloudFront can, and fronts every API path.
 * A CLOUDFRONT-scoped web ACL must live in us-east-1 (README, "The edge").
 */
export class EdgeWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWafProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`context wafRateLimit: a CloudFront web ACL must be deployed in us-east-1, not ${region}`);
    }
    const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `signoff-${props.stage}-edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric(`signoff-${props.stage}-edge`),
      rules: [
        {
          name: 'per-ip-rate',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                responseHeaders: [{ name: 'retry-after', value: '300' }],
                customResponseBodyKey: 'tooManyRequests',
              },
            },
          },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimitPerIp, evaluationWindowSec: 300 } },
          visibilityConfig: metric(`signoff-${props.stage}-per-ip-rate`),
        },
      ],
      customResponseBodies: {
        tooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: { code: 'too_many_requests', message: 'Too many requests from your address; retry later.' } }),
        },
      },
    });
  }
}

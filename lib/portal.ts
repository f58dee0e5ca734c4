import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PORTAL_TITLES } from '../functions/identity/groups.js';
import { PORTAL_PREFIX } from '../functions/shared/web.js';
import type { Api } from './api.js';
import type { Identity } from './auth.js';
import { REPO_ROOT } from './bundling.js';
import { suppress } from './nag.js';
import { apiPathPatterns, SPA_FUNCTION, securityHeaders } from './portal-edge.js';
import { removalPolicyOf } from './stage-config.js';

/** The portal build (`npm run build:portal`), and what is deployed when there is none yet. */
export const PORTAL_BUILD_DIR = join(REPO_ROOT, 'portal', 'dist');
export const PORTAL_PLACEHOLDER_DIR = join(REPO_ROOT, 'lib', 'portal-placeholder');

export interface PortalProps {
  stage: string;
  isDev: boolean;
  logRetention: logs.RetentionDays;
  api: Api;
  identity: Identity;
  portalDomain: string | undefined;
  certificateArn: string | undefined;
  /** An AWS WAF web ACL (CLOUDFRONT scope) for the distribution. */
  webAclArn?: string | undefined;
}

/**
 * The approver portal and the API behind one CloudFront origin: the portal's files from a private
 * bucket (origin access control), the API paths to the HTTP API. One origin means no CORS for the
 * portal, one TLS certificate, and mail links that never change when the API does.
 */
export class Portal extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>` */
  readonly origin: string;
  /** `https://<domain>/portal/`: PORTAL_URL, the base of mail links. */
  readonly url: string;
  /** Whether the real portal build was found (otherwise a placeholder page is deployed). */
  readonly built: boolean;

  constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = removalPolicyOf(props.isDev);

    // Access logs of CloudFront and of the portal bucket. Kept on teardown in every stage.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.isDev ? 30 : 365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'portal-bucket/',
      removalPolicy,
    });

    const apiOrigin = `https://${props.api.domainName}`;
    const cognitoOrigin = `https://cognito-idp.${stack.region}.${stack.urlSuffix}`;
    const headers = securityHeaders(this, { stage: props.stage, connectTo: [cognitoOrigin, apiOrigin] });

    const spa = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'Signoff portal: / to /portal/, portal pages to index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_FUNCTION),
    });

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.api.originDomainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Never cached; with caching off CloudFront forwards Authorization under this policy.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };

    const certificate = props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Signoff ${props.stage}: approver portal and API`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spa, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, apiBehavior])),
      // The default *.cloudfront.net certificate has a fixed policy; a custom one gets TLS 1.2+.
      ...(props.portalDomain && certificate
        ? { domainNames: [props.portalDomain], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });

    this.origin = props.portalDomain ? `https://${props.portalDomain}` : `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}${PORTAL_PREFIX}`;

    this.built = existsSync(join(PORTAL_BUILD_DIR, 'index.html'));
    if (!this.built) {
      Annotations.of(this).addWarningV2(
        'signoff:portalNotBuilt',
        `No portal build in ${PORTAL_BUILD_DIR}: a placeholder page is deployed. Run \`npm run build:portal\` before deploying.`,
      );
    }
    const region = stack.region;
    const deployLogs = new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention, removalPolicy });
    // Its own role rather than AWSLambdaBasicExecutionRole: logs to its own group only.
    const deployRole = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Signoff portal deployment (CDK BucketDeployment)',
    });
    deployLogs.grant(deployRole, 'logs:CreateLogStream', 'logs:PutLogEvents');
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: PORTAL_PREFIX.slice(1),
      sources: [
        s3deploy.Source.asset(this.built ? PORTAL_BUILD_DIR : PORTAL_PLACEHOLDER_DIR),
        // What the portal needs to sign in, from this stack's outputs: the same as GET /portal/config
        // (which the portal calls), as a static file for tools and for a portal hosted elsewhere.
        s3deploy.Source.jsonData('config.json', {
          region,
          userPoolId: props.identity.userPool.userPoolId,
          clientId: props.identity.portalClient.userPoolClientId,
          cognitoEndpoint: `${cognitoOrigin}/`,
          apiUrl: this.origin,
          title: 'Approvals',
          titles: PORTAL_TITLES,
        }),
      ],
      // Browsers revalidate (cheap, with ETags), so a deploy is visible at once; the edge is invalidated.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${PORTAL_PREFIX}*`],
      retainOnDelete: !props.isDev,
      memoryLimit: 256,
      logGroup: deployLogs,
      role: deployRole,
    });
    this.suppressDeploymentFindings(deployment);

    if (!certificate) {
      suppress(this.distribution, [
        {
          id: 'AwsSolutions-CFR4',
          reason:
            'Without a portalDomain the distribution uses the default *.cloudfront.net certificate, which CloudFront serves with ' +
            'its TLSv1 policy regardless of minimumProtocolVersion. Deploy with portalDomain + certificateArn to enforce TLSv1.2_2021.',
        },
      ]);
    }
    suppress(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Approvers are wherever the helpdesk customers are; there is no country to block.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default (a web ACL costs a monthly fee per stage): the API is throttled at its stage and every data route needs a ' +
          'Cognito token. Operators who need WAF can attach a web ACL to the distribution.',
      },
    ]);
  }

  /** CDK's BucketDeployment: a singleton Lambda (Python + AWS CLI) whose grants CDK writes. */
  private suppressDeploymentFindings(deployment: s3deploy.BucketDeployment): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      suppress(handler, [
        {
          id: 'AwsSolutions-L1',
          reason: "The runtime of CDK's own BucketDeployment handler is chosen and updated by aws-cdk-lib, not by this app.",
        },
      ]);
    }
    suppress(deployment.handlerRole, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'CDK grants the deployment read on the CDK asset bucket objects (the portal zip) and read/write/delete on the portal ' +
          "bucket's objects, so it can copy the build and prune stale files: object-level wildcards of exactly those two buckets.",
        appliesTo: [
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          `Resource::arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-<AWS::AccountId>-<AWS::Region>/*`,
          `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`,
        ],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'cloudfront:CreateInvalidation/GetInvalidation, granted by CDK on "*": it invalidates /portal/* of this distribution after ' +
          'each deployment so the new build is served at once.',
        appliesTo: ['Resource::*'],
      },
    ]);
  }
}

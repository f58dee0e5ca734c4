import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES } from '../functions/handlers/routes.js';
import { CORS } from '../functions/shared/web.js';
import type { Identity } from './auth.js';
import type { Handlers } from './handlers.js';
import { suppress } from './nag.js';
import { removalPolicyOf } from './stage-config.js';

/**
 * Stage-wide limits, shared by ALL callers (not per client): above them API Gateway answers 429
 * `{"message":"Too Many Requests"}`. Per-IP limits are the optional WAF web ACL's (edge-waf.ts).
 */
export const API_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export interface ApiProps {
  stage: string;
  isDev: boolean;
  logRetention: logs.RetentionDays;
  identity: Identity;
  handlers: Handlers;
  /**
   * Browser origins allowed to call the API across origins. The portal is served from the same
   * CloudFront origin as the API, so it needs none; a custom portal domain is listed here so the
   * portal also works when it calls the API's own endpoint.
   */
  allowedOrigins: readonly string[];
  /**
   * A regional custom domain for the API. With it, CloudFront's API origin is this domain and the
   * execute-api endpoint is disabled, so nobody reaches the API around CloudFront (and its WAF).
   */
  customDomain?: { name: string; certificateArn: string } | undefined;
}

/**
 * The HTTP API: every route of routes.ts on its own function, a JWT authorizer on the user pool
 * for every non-public route (the http layer then checks the group), one throttled `$default`
 * stage with JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly accessLog: logs.LogGroup;
  /** `<id>.execute-api.<region>.amazonaws.com` */
  readonly domainName: string;
  /** Where CloudFront sends the API paths: the custom domain if any, else the execute-api one. */
  originDomainName: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { identity, handlers } = props;
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `signoff-${props.stage}`,
      description: 'Signoff: approval requests for helpdesk tickets',
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      ...(props.allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.allowedOrigins],
              allowMethods: CORS.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
              allowHeaders: [...CORS.allowHeaders],
              maxAge: Duration.seconds(CORS.maxAgeSeconds),
            },
          }
        : {}),
    });

    this.accessLog = new logs.LogGroup(this, 'AccessLog', {
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.isDev),
    });
    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLog),
        // The caller's `sub`, never their email or token.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    // Audience: both app clients (an ID token's `aud`, an access token's `client_id`).
    const authorizer = new HttpUserPoolAuthorizer('Cognito', identity.userPool, {
      userPoolClients: [identity.portalClient, identity.helpdeskClient],
      identitySource: ['$request.header.Authorization'],
    });
    const none = new apigwv2.HttpNoneAuthorizer();

    for (const route of ROUTES) {
      const handler = handlers.route(route.name);
      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}-integration`, handler.function),
        authorizer: route.access === 'public' ? none : authorizer,
      });
      if (route.access === 'public') {
        for (const r of routes)
          suppress(r, [
            {
              id: 'AwsSolutions-APIG4',
              reason: `${route.method} ${route.path} is public by the API contract (API.md, "Who calls what": a health check, the sign-in configuration and the OpenAPI document ("The published contract"); none carries data).`,
            },
          ]);
      }
    }

    this.domainName = `${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    this.originDomainName = this.domainName;
    if (props.customDomain) {
      const domain = new apigwv2.DomainName(this, 'CustomDomain', {
        domainName: props.customDomain.name,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      new apigwv2.ApiMapping(this, 'Mapping', { api: this.httpApi, domainName: domain, stage });
      this.originDomainName = domain.regionalDomainName;
      // Without a custom domain the execute-api endpoint stays reachable around CloudFront (README, "The edge").
    }
  }

  get url(): string {
    return `https://${this.domainName}/`;
  }
}

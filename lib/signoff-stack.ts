import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Api } from './api.js';
import { Identity } from './auth.js';
import { EdgeWaf } from './edge-waf.js';
import { Events } from './events.js';
import { Handlers } from './handlers.js';
import { Jobs } from './jobs.js';
import { Mail } from './mail.js';
import { Observability } from './observability.js';
import { Portal } from './portal.js';
import { ReceiptKeys } from './receipt-keys.js';
import type { StageConfig } from './stage-config.js';
import { DataTable } from './table.js';

export interface SignoffStackProps extends StackProps {
  config: StageConfig;
}

/** Signoff in one stack: data, identity, mail, handlers, API, portal, jobs, alarms. */
export class SignoffStack extends Stack {
  readonly data: DataTable;
  readonly identity: Identity;
  readonly mail: Mail;
  readonly events: Events;
  readonly receiptKeys: ReceiptKeys;
  readonly handlers: Handlers;
  readonly api: Api;
  readonly portal: Portal;
  readonly jobs: Jobs;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: SignoffStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.isDev ? logs.RetentionDays.TWO_WEEKS : logs.RetentionDays.THREE_MONTHS;
    const common = { stage: config.stage, isDev: config.isDev, logRetention };

    this.data = new DataTable(this, 'Data', common);
    this.mail = new Mail(this, 'Mail', { ...common, senderEmail: config.senderEmail, sesSandbox: config.sesSandbox });
    // The portal's address is only known once its distribution exists, which needs the API,
    // which needs the user pool and the handlers that mention the address: resolved lazily.
    const portalUrl = Lazy.string({ produce: () => this.portal.url });
    this.identity = new Identity(this, 'Identity', { ...common, portalUrl, mfa: config.mfa });
    this.events = new Events(this, 'Events', common);
    this.receiptKeys = new ReceiptKeys(this, 'Receipts', {
      isDev: config.isDev,
      generation: config.receiptKeyGeneration,
      retiredKeyArns: config.retiredReceiptKeys,
    });
    this.handlers = new Handlers(this, 'Handlers', {
      ...common,
      data: this.data,
      identity: this.identity,
      mail: this.mail,
      events: this.events,
      receiptKeys: this.receiptKeys,
      portalUrl,
    });
    this.api = new Api(this, 'Api', {
      ...common,
      identity: this.identity,
      handlers: this.handlers,
      allowedOrigins: config.portalDomain ? [`https://${config.portalDomain}`] : [],
      customDomain:
        config.apiDomain && config.apiCertificateArn ? { name: config.apiDomain, certificateArn: config.apiCertificateArn } : undefined,
    });
    const waf = config.wafRateLimit
      ? new EdgeWaf(this, 'EdgeWaf', { stage: config.stage, rateLimitPerIp: config.wafRateLimit })
      : undefined;
    this.portal = new Portal(this, 'Portal', {
      ...common,
      api: this.api,
      identity: this.identity,
      portalDomain: config.portalDomain,
      certificateArn: config.certificateArn,
      webAclArn: waf?.webAcl.attrArn,
    });
    this.jobs = new Jobs(this, 'Jobs', {
      data: this.data,
      mailer: this.handlers.mailer,
      sweeper: this.handlers.sweeper,
      mailEvents: this.handlers.mailEvents,
      dispatcher: this.handlers.dispatcher,
      receipts: this.handlers.receipts,
      configurationSetName: this.mail.configurationSet.configurationSetName,
    });
    this.observability = new Observability(this, 'Observability', {
      stage: config.stage,
      api: this.api,
      handlers: this.handlers.all(),
      mailers: [this.handlers.mailer, this.handlers.sweeper],
      deadLetterQueue: this.jobs.deadLetterQueue,
      mailEventDeadLetterQueue: this.jobs.mailEventDeadLetterQueue,
      dispatcher: this.handlers.dispatcher,
      dispatcherDeadLetterQueue: this.jobs.dispatcherDeadLetterQueue,
      receiptsDeadLetterQueue: this.jobs.receiptsDeadLetterQueue,
      alarmEmail: config.alarmEmail,
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('PortalUrl', this.portal.url, 'The approver portal; mail links point below it');
    output('ApiUrl', `${this.portal.origin}/`, 'The API for the helpdesk, on the portal origin (CloudFront)');
    output('ApiEndpoint', this.api.url, 'The HTTP API endpoint itself');
    output('DistributionDomainName', this.portal.distribution.distributionDomainName, 'Point the portalDomain CNAME here');
    output('Region', this.region, 'Region of the user pool and the API');
    output('UserPoolId', this.identity.userPool.userPoolId, 'Cognito user pool (technicians, users, contacts)');
    output('PortalClientId', this.identity.portalClient.userPoolClientId, 'App client of the portal');
    output('HelpdeskClientId', this.identity.helpdeskClient.userPoolClientId, 'App client of the helpdesk integration');
    output('TableName', this.data.table.tableName, 'The DynamoDB table');
    output('SenderIdentity', this.mail.identity.emailIdentityName, 'SES identity to verify before mail can go out');
    output('MailEventLog', this.mail.eventLog.logGroupName, 'Bounces, complaints and rejections recorded by SES');
    output('EventBusName', this.events.bus.eventBusName, 'EventBridge bus with every Signoff event (source signoff)');
    output('ReceiptKeyArn', this.receiptKeys.current.keyArn, 'The KMS key that signs receipts now (docs/deploy.md: rotation)');
    output('AlarmTopicArn', this.observability.alarmTopic.topicArn, 'Subscribe to get alarms');
  }
}

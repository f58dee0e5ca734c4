import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { suppress } from './nag.js';
import { removalPolicyOf } from './stage-config.js';

export interface MailProps {
  stage: string;
  isDev: boolean;
  senderEmail: string;
  /** SES is in the sandbox: sends are authorised against the verified recipients' identities too. */
  sesSandbox: boolean;
  logRetention: logs.RetentionDays;
}

/**
 * Mail out through SES v2: the sender identity, a configuration set every mail is sent with,
 * and a record of what went wrong after sending.
 *
 * Bounces, complaints, rejections, delays and rendering failures go from the configuration set
 * to EventBridge's default bus, and a rule writes them to a log group: a durable, searchable
 * record (Logs Insights: which address bounced, when, why) without a handler of our own.
 * Addresses that bounce or complain land on SES's suppression list, so they are not mailed
 * again; the account's bounce and complaint rates are alarmed in observability.ts.
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly eventLog: logs.LogGroup;
  readonly senderEmail: string;
  readonly sesSandbox: boolean;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.sesSandbox = props.sesSandbox;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Verification: SES mails a link to the address at deploy time (docs/deploy.md).
    this.identity = new ses.EmailIdentity(this, 'Sender', {
      identity: ses.Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });

    // EventBridge delivers to CloudWatch Logs only into groups under /aws/events/.
    this.eventLog = new logs.LogGroup(this, 'EventLog', {
      logGroupName: `/aws/events/signoff-${props.stage}-mail`,
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.isDev),
    });
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('Problems', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: [
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
        ses.EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    const rule = new events.Rule(this, 'ProblemRule', {
      description: 'SES bounces, complaints and failures of Signoff mail, into a log group',
      eventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
    });
    // A native resource policy instead of CDK's CloudWatchLogGroup target, which installs a
    // custom-resource Lambda just to write the same policy.
    this.eventLog.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.eventLog.logGroupArn],
      }),
    );
    rule.addTarget({
      bind: () => ({
        arn: Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.eventLog.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      }),
    });
  }

  /**
   * ARNs `ses:SendEmail` is authorised against: the sender identity and the configuration set;
   * in the sandbox also every identity of the account, because SES then checks the send against
   * each recipient's (verified) identity as well.
   */
  sendingResources(): string[] {
    const stack = Stack.of(this);
    return [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity.emailIdentityName }),
      stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
      ...(this.sesSandbox ? [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })] : []),
    ];
  }

  /**
   * SendEmail from the sender address only, through our identity and configuration set; and
   * GetAccount, which the mailer reads the account's sending rate with (it paces to it).
   */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: this.sendingResources(),
      conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
    });
    iam.Grant.addToPrincipal({ grantee, actions: ['ses:GetAccount'], resourceArns: ['*'] });
    if (grantee.grantPrincipal instanceof iam.Role) {
      suppress(grantee.grantPrincipal, [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'ses:GetAccount reads the account itself and has no resource type: IAM accepts only "*" for it (read-only).',
          appliesTo: ['Resource::*'],
        },
      ]);
    }
    if (this.sesSandbox && grantee.grantPrincipal instanceof iam.Role) {
      suppress(grantee.grantPrincipal, [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'SES sandbox only (context sesSandbox=true): SES authorises each send against the verified recipient identity too, ' +
            'which the stack cannot name in advance; the From address is still pinned by the ses:FromAddress condition.',
          appliesTo: ['Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*'],
        },
      ]);
    }
    return grant;
  }
}

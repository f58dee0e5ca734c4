import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Api } from './api.js';
import type { HandlerFunction } from './handler-function.js';

export interface ObservabilityProps {
  stage: string;
  api: Api;
  handlers: readonly HandlerFunction[];
  /** Functions that send mail; their "mail failed" log lines are counted. */
  mailers: readonly HandlerFunction[];
  deadLetterQueue: sqs.IQueue;
  /** SES reports about our mail that the mail-events function could not record. */
  mailEventDeadLetterQueue: sqs.IQueue;
  /** Delivers webhook events; its "webhook delivery failed" lines are counted. */
  dispatcher: HandlerFunction;
  dispatcherDeadLetterQueue: sqs.IQueue;
  /** Stream records of unsigned receipts the receipt job gave up on. */
  receiptsDeadLetterQueue: sqs.IQueue;
  alarmEmail: string | undefined;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms into one SNS topic: the API answering 5xx (by contract only our faults do), any handler
 * error or throttle, anything in a dead-letter queue (the mailer's, the mail events'), sends that
 * keep failing, and the account's SES bounce and complaint rates (SES pauses sending above its
 * limits).
 *
 * The topic is not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS
 * key, and alarm notifications carry names and thresholds, nothing from the table.
 */
export class Observability extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `Signoff ${props.stage} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.alarm('Api5xx', 'The API answered 5xx: a fault of ours (callers only ever cause 4xx).', {
      metric: props.api.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
    });

    for (const handler of props.handlers) {
      const name = handler.node.id;
      this.alarm(`${name}-Errors`, `Handler ${name} failed (uncaught error or timeout).`, {
        metric: handler.function.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
      });
      this.alarm(`${name}-Throttles`, `Handler ${name} was throttled (account or function concurrency exhausted).`, {
        metric: handler.function.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
      });
    }

    this.deadLetterAlarm(
      'MailerDeadLetters',
      "Stream records the mailer gave up on; the sweeper retries their mail, but look at the mailer's logs.",
      props.deadLetterQueue,
    );
    this.deadLetterAlarm(
      'MailEventDeadLetters',
      'Bounces or complaints SES reported that could not be recorded on their recipient: see the mail-events logs, then replay the queued events (docs/deploy.md).',
      props.mailEventDeadLetterQueue,
    );

    this.deadLetterAlarm(
      'DispatcherDeadLetters',
      "Stream records the dispatcher gave up on; their events stay due and are retried on schedule, but look at the dispatcher's logs.",
      props.dispatcherDeadLetterQueue,
    );
    this.deadLetterAlarm(
      'ReceiptsDeadLetters',
      "Stream records the receipt job gave up on; their receipts stay unsigned and due, and the schedule signs them, but look at the receipt job's logs.",
      props.receiptsDeadLetterQueue,
    );
    // services/dispatcher.ts logs this line when a delivery gave up after ~24 h of retries.
    const failedDeliveries = new cloudwatch.Metric({
      namespace: `Signoff/${props.stage}`,
      metricName: 'WebhookDeliveriesFailed',
      period: FIVE_MINUTES,
      statistic: cloudwatch.Stats.SUM,
    });
    new logs.MetricFilter(this, 'WebhookDeliveriesFailedLines', {
      logGroup: props.dispatcher.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'webhook delivery failed'),
      metricNamespace: failedDeliveries.namespace,
      metricName: failedDeliveries.metricName,
      metricValue: '1',
    });
    this.alarm('WebhookDeliveriesFailed', 'A webhook endpoint stopped answering for a day: its deliveries failed and it shows "failing".', {
      metric: failedDeliveries,
      threshold: 1,
    });

    // services/mailer.ts logs this line for every send that failed and will be retried.
    const mailFailures = new cloudwatch.Metric({
      namespace: `Signoff/${props.stage}`,
      metricName: 'MailSendFailures',
      period: Duration.minutes(15),
      statistic: cloudwatch.Stats.SUM,
    });
    for (const mailer of props.mailers) {
      new logs.MetricFilter(this, `${mailer.node.id}-MailFailures`, {
        logGroup: mailer.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'mail failed; will retry'),
        metricNamespace: mailFailures.namespace,
        metricName: mailFailures.metricName,
        metricValue: '1',
      });
    }
    this.alarm('MailSendFailures', 'SES keeps refusing our mail (sandbox, unverified sender, quota?): see the mailer logs.', {
      metric: mailFailures,
      threshold: 5,
    });

    this.reputationAlarm(
      'SesBounceRate',
      'SES account bounce rate above 5% (SES reviews the account at 5%, pauses at 10%).',
      'BounceRate',
      0.05,
    );
    this.reputationAlarm(
      'SesComplaintRate',
      'SES account complaint rate above 0.1% (SES reviews the account there).',
      'ComplaintRate',
      0.001,
    );
  }

  /** The SES account's reputation (`Reputation.<rate>`, the hour's maximum) at or above `threshold`. */
  private reputationAlarm(id: string, description: string, rate: 'BounceRate' | 'ComplaintRate', threshold: number): cloudwatch.Alarm {
    const metric = new cloudwatch.Metric({
      namespace: 'AWS/SES',
      metricName: `Reputation.${rate}`,
      period: Duration.hours(1),
      statistic: 'Maximum',
    });
    return this.alarm(id, description, { metric, threshold });
  }

  /** Anything at all in a dead-letter queue is worth a look. */
  private deadLetterAlarm(id: string, description: string, queue: sqs.IQueue): cloudwatch.Alarm {
    const metric = queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM });
    return this.alarm(id, description, { metric, threshold: 1 });
  }

  private alarm(id: string, description: string, options: { metric: cloudwatch.IMetric; threshold: number }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}

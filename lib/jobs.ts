import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.js';
import { suppress } from './nag.js';
import type { DataTable } from './table.js';

/**
 * How often the sweeper runs: deadlines act within a minute of their time (EventBridge's
 * finest rate); it also sends due reminders and retries failed mail (backoff starts at 30 s).
 */
export const SWEEP_INTERVAL = Duration.minutes(1);
/** How often due webhook retries are looked for (the first retry comes 5 s after a failure, at the next round). */
export const DISPATCH_INTERVAL = Duration.minutes(1);
/** How often receipts still unsigned are looked for (the stream signs them at once otherwise). */
export const RECEIPT_INTERVAL = Duration.minutes(5);

export interface JobsProps {
  data: DataTable;
  mailer: HandlerFunction;
  sweeper: HandlerFunction;
  mailEvents: HandlerFunction;
  dispatcher: HandlerFunction;
  receipts: HandlerFunction;
  /** The SES configuration set every mail is sent through: its events are ours. */
  configurationSetName: string;
}

/** SES events that mean a mail did not get where it should; delays and deliveries are not among them. */
export const DELIVERY_PROBLEM_EVENTS = ['Email Bounced', 'Email Complaint Received', 'Email Rejected'];

/**
 * The work behind the API: the mailer drains outbox entries as they are inserted (the table's
 * stream), and the sweeper retries what failed (the due index) on a schedule.
 *
 * A failed send is the outbox's to retry (recorded on the entry, due again later), not the
 * stream's. The stream retries only records whose outcome could not even be recorded; after
 * that the record's position goes to the dead-letter queue and the entry, still due in gsi3,
 * is picked up by the sweeper. So nothing is lost, and the DLQ depth alarm says something is
 * wrong beyond a flaky send.
 *
 * What SES reports about a sent mail (bounce, complaint, rejection) reaches the mail-events
 * function through EventBridge, which invokes it asynchronously: EventBridge retries handing the
 * event over for a day, Lambda retries a failed run twice (over about three minutes). Either way
 * the event then lands, whole, in a dead-letter queue of its own (EventBridge puts the event
 * itself, Lambda's on-failure destination a record with the event in `requestPayload`), from
 * which it can be replayed; the queue's depth is alarmed.
 */
export class Jobs extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly mailEventDeadLetterQueue: sqs.Queue;
  readonly dispatcherDeadLetterQueue: sqs.Queue;
  readonly receiptsDeadLetterQueue: sqs.Queue;
  readonly receiptRule: events.Rule;
  readonly dispatchRule: events.Rule;
  readonly sweepRule: events.Rule;
  readonly mailEventRule: events.Rule;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    // Only outbox inserts wake the mailer; every other write of the table is filtered out by
    // Lambda before an invocation (and before it costs anything).
    // A batch's entries are delivered at once, each paced to the account's SES rate (services/mailer.ts).
    this.deadLetterQueue = this.insertsOf(props, props.mailer.function, 'outbox', {
      batchSize: 50,
      window: Duration.seconds(1),
      deadLetters: { id: 'MailerDeadLetters', whose: "the mailer's" },
    });

    this.sweepRule = this.schedule('SweepSchedule', 'Signoff: retry failed and missed outbox mail', props.sweeper.function, SWEEP_INTERVAL);

    this.mailEventDeadLetterQueue = this.deadLetters(
      'MailEventDeadLetters',
      "the dead-letter queue of the mail-events rule's Lambda target and the function's on-failure destination",
    );
    this.mailEventRule = new events.Rule(this, 'MailEventRule', {
      description: 'Signoff: bounces, complaints and rejections of our mail, onto the recipient and the activity log',
      eventPattern: {
        source: ['aws.ses'],
        detailType: DELIVERY_PROBLEM_EVENTS,
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
    });
    this.mailEventRule.addTarget(
      new targets.LambdaFunction(props.mailEvents.function, {
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.mailEventDeadLetterQueue,
      }),
    );
    props.mailEvents.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.mailEventDeadLetterQueue),
    });

    // The dispatcher: event inserts from the stream, as the mailer gets outbox inserts; retries
    // of deliveries (and events the stream gave up on, still due in gsi3) on a schedule.
    // A batch's tickets go out at once (DISPATCH_CONCURRENCY in handlers/jobs/dispatcher.ts, equal
    // to the batch size), each ticket's events in order. One batch per shard at a time (no
    // parallelization factor): the event items' partition keys are the events' own, so concurrent
    // batches of a shard could reorder a ticket's events.
    this.dispatcherDeadLetterQueue = this.insertsOf(props, props.dispatcher.function, 'event', {
      batchSize: 50,
      window: Duration.seconds(0),
      deadLetters: { id: 'DispatcherDeadLetters', whose: "the dispatcher's" },
    });
    this.dispatchRule = this.schedule(
      'DispatchSchedule',
      'Signoff: retry webhook deliveries that are due',
      props.dispatcher.function,
      DISPATCH_INTERVAL,
    );

    // The receipt job: each unsigned receipt a closing request writes, from the stream; the
    // schedule signs whatever is still unsigned (gsi3 RECEIPTDUE), so a failed signing or a
    // record the stream gave up on (it goes to the DLQ) still ends in a signed receipt.
    this.receiptsDeadLetterQueue = this.insertsOf(props, props.receipts.function, 'receipt', {
      batchSize: 10,
      window: Duration.seconds(0),
      deadLetters: { id: 'ReceiptsDeadLetters', whose: "the receipt job's" },
    });
    this.receiptRule = this.schedule('ReceiptSchedule', 'Signoff: sign receipts still unsigned', props.receipts.function, RECEIPT_INTERVAL);
  }

  /** Runs `fn` every `interval`; a run that fails is retried once, and none is older than the interval. */
  private schedule(id: string, description: string, fn: lambda.IFunction, interval: Duration): events.Rule {
    const rule = new events.Rule(this, id, { description, schedule: events.Schedule.rate(interval) });
    rule.addTarget(new targets.LambdaFunction(fn, { retryAttempts: 1, maxEventAge: interval }));
    return rule;
  }

  /** A dead-letter queue: encrypted, TLS only, kept two weeks; it needs no dead-letter queue of its own. */
  private deadLetters(id: string, whatFor: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    suppress(queue, [{ id: 'AwsSolutions-SQS3', reason: `This queue is ${whatFor}; a dead-letter queue needs none of its own.` }]);
    return queue;
  }

  /**
   * Feeds `fn` the stream's inserts of one item kind, with partial-batch retries and a dead-letter
   * queue of its own (`deadLetters`: its construct id, and whose event source it serves): returned.
   */
  private insertsOf(
    props: JobsProps,
    fn: lambda.IFunction,
    entity: 'outbox' | 'event' | 'receipt',
    options: { batchSize: number; window: Duration; deadLetters: { id: string; whose: string } },
  ): sqs.Queue {
    const deadLetters = this.deadLetters(
      options.deadLetters.id,
      `the dead-letter destination of ${options.deadLetters.whose} stream event source (an on-failure destination, not a redrive policy)`,
    );
    fn.addEventSource(
      new DynamoEventSource(props.data.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: options.batchSize,
        maxBatchingWindow: options.window,
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual(entity) } } },
          }),
        ],
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(deadLetters),
      }),
    );
    return deadLetters;
  }
}

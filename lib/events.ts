import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EVENT_BUS_SOURCE } from '../functions/handlers/routes.js';
import { removalPolicyOf } from './stage-config.js';

export interface EventsProps {
  stage: string;
  isDev: boolean;
}

/**
 * What events need besides the dispatcher: the EventBridge bus every event is also put on
 * (source `signoff`, detail-type = the event type), an archive of it so events can be replayed,
 * and the KMS key that seals webhook secrets in the table.
 */
export class Events extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly secretKey: kms.Key;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.stage === 'prod' ? 'signoff' : `signoff-${props.stage}`,
      description: 'Signoff: every approval event, as the webhooks get it',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'Every Signoff event, for replay',
      eventPattern: { source: [EVENT_BUS_SOURCE] },
      retention: props.isDev ? Duration.days(30) : Duration.days(365),
    });
    this.secretKey = new kms.Key(this, 'WebhookSecretKey', {
      description: 'Signoff: seals webhook signing secrets in the table',
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(props.isDev),
      pendingWindow: Duration.days(7),
    });
  }
}

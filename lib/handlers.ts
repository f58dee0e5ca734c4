import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { JOBS, type Job, ROUTES, type Route, type RouteName, timeoutOf } from '../functions/handlers/routes.js';
import { ENV } from '../functions/shared/env.js';
import { STREAM_SOURCES } from '../functions/shared/stream-sources.js';
import type { Identity } from './auth.js';
import type { Events } from './events.js';
import { type HandlerAccess, handlerAccess, usesTable } from './handler-access.js';
import { HandlerFunction } from './handler-function.js';
import type { Mail } from './mail.js';
import type { ReceiptKeys } from './receipt-keys.js';
import type { DataTable } from './table.js';

/**
 * Reserved concurrency: the public functions (anyone can call them) and the jobs (a flood of
 * stream records or SES events) can never take the whole account's concurrency from the API
 * routes, and always have this much. 21 in all: the account needs 121 or more (the default
 * quota is 1,000; new accounts may start at 10 and must ask for more, see README).
 */
export const RESERVED_CONCURRENCY = {
  public: 5,
  // One mailer instance per stream batch the event source may run at once, so every one can pace.
  mailer: STREAM_SOURCES.mailer.parallelization,
  sweeper: 1,
  mailEvents: 5,
} as const;

const reservedConcurrencyOf = (row: Route | Job): number | undefined => {
  if (row.name === JOBS.mailer.name) return RESERVED_CONCURRENCY.mailer;
  if (row.name === JOBS.sweeper.name) return RESERVED_CONCURRENCY.sweeper;
  if (row.name === JOBS.mailEvents.name) return RESERVED_CONCURRENCY.mailEvents;
  return 'access' in row && row.access === 'public' ? RESERVED_CONCURRENCY.public : undefined;
};

export interface HandlersProps {
  isDev: boolean;
  logRetention: logs.RetentionDays;
  data: DataTable;
  identity: Identity;
  mail: Mail;
  /** The events' bus and the key that seals webhook secrets. */
  events: Events;
  /** The keys that sign receipts (current and retired). */
  receiptKeys: ReceiptKeys;
  /** Public URL of the portal, ending in `/`: mail links point below it. */
  portalUrl: string;
}

/**
 * Every handler of routes.ts (one function per route) and the jobs, each with the timeout of its
 * row and the role and environment handler-access.ts derives from the row's grants.
 *
 * Environment: only the settings a handler reads. config.ts reads them lazily, so a missing
 * one would only fail the call that needs it; giving each function just its own keeps the
 * blast radius of a leaked environment small and spares API functions from waiting on the
 * CloudFront distribution (PORTAL_URL) at deploy time.
 */
export class Handlers extends Construct {
  readonly routes = new Map<RouteName, HandlerFunction>();
  readonly mailer: HandlerFunction;
  readonly sweeper: HandlerFunction;
  readonly mailEvents: HandlerFunction;
  readonly dispatcher: HandlerFunction;
  readonly receipts: HandlerFunction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: HandlersProps,
  ) {
    super(scope, id);
    for (const route of ROUTES) this.routes.set(route.name, this.create(route));
    this.mailer = this.create(JOBS.mailer);
    this.sweeper = this.create(JOBS.sweeper);
    this.mailEvents = this.create(JOBS.mailEvents);
    this.dispatcher = this.create(JOBS.dispatcher);
    this.receipts = this.create(JOBS.receipts);
  }

  /** Every function, routes first. */
  all(): HandlerFunction[] {
    return [...this.routes.values(), this.mailer, this.sweeper, this.mailEvents, this.dispatcher, this.receipts];
  }

  route(name: RouteName): HandlerFunction {
    const handler = this.routes.get(name);
    if (!handler) throw new Error(`no handler for route ${name}`);
    return handler;
  }

  private create(row: Route | Job): HandlerFunction {
    const { name, entry } = row;
    const access = handlerAccess(name);
    const reservedConcurrency = reservedConcurrencyOf(row);
    const handler = new HandlerFunction(this, name, {
      name,
      entry,
      timeout: Duration.seconds(timeoutOf(row)),
      isDev: this.props.isDev,
      logRetention: this.props.logRetention,
      environment: this.environment(access),
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
    });
    this.grant(handler.role, access);
    return handler;
  }

  private environment(access: HandlerAccess): Record<string, string> {
    const { data, identity, mail, portalUrl, events, receiptKeys } = this.props;
    const settings = new Set(access.settings ?? []);
    return {
      ...(usesTable(access) ? { [ENV.tableName]: data.table.tableName } : {}),
      ...(settings.has('userPool') ? { [ENV.userPoolId]: identity.userPool.userPoolId } : {}),
      ...(settings.has('portalClient') ? { [ENV.portalClientId]: identity.portalClient.userPoolClientId } : {}),
      ...(settings.has('portalUrl') ? { [ENV.portalUrl]: portalUrl } : {}),
      ...(settings.has('mail')
        ? {
            [ENV.mailFrom]: mail.senderEmail,
            [ENV.sesConfigurationSet]: mail.configurationSet.configurationSetName,
            // Every instance that may send at once paces itself to its share of the account's rate.
            [ENV.mailSenders]: String(RESERVED_CONCURRENCY.mailer + RESERVED_CONCURRENCY.sweeper),
          }
        : {}),
      ...(access.webhookKey?.length ? { [ENV.webhookKeyId]: events.secretKey.keyArn } : {}),
      ...(access.putEvents ? { [ENV.eventBusName]: events.bus.eventBusName } : {}),
      ...(access.receiptKey?.length ? { [ENV.receiptKeyIds]: receiptKeys.allKeyArns().join(',') } : {}),
    };
  }

  private grant(role: iam.IRole, access: HandlerAccess): void {
    const { data, identity, mail, events, receiptKeys } = this.props;
    // Signing only with the current key; the public halves of every key, retired ones included.
    if (access.receiptKey?.includes('Sign')) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Sign'], resources: [receiptKeys.current.keyArn] }));
    }
    if (access.receiptKey?.includes('GetPublicKey')) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GetPublicKey'], resources: receiptKeys.allKeyArns() }));
    }
    if (access.webhookKey?.length) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: access.webhookKey.map((a) => `kms:${a}`), resources: [events.secretKey.keyArn] }),
      );
    }
    if (access.putEvents) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [events.bus.eventBusArn] }));
    }
    if (access.table?.length) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: access.table.map((a) => `dynamodb:${a}`), resources: [data.table.tableArn] }),
      );
    }
    if (access.indexes?.length) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: access.indexes.map((index) => data.indexArn(index)) }),
      );
    }
    if (access.cognito?.length) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: access.cognito.map((a) => `cognito-idp:${a}`), resources: [identity.userPool.userPoolArn] }),
      );
    }
    if (access.sendMail) mail.grantSend(role);
  }
}

import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { JOBS, ROUTES } from '../functions/handlers/routes.js';
import type { Identity } from './auth.js';
import { type HandlerAccess, handlerAccess, usesTable } from './handler-access.js';
import { HandlerFunction } from './handler-function.js';
import type { Mail } from './mail.js';
import type { DataTable } from './table.js';

/**
 * Reserved concurrency: the public functions (anyone can call them) and the jobs (a flood of
 * stream records or SES events) can never take the whole account's concurrency from the API
 * routes, and always have this much. 21 in all: the account needs 121 or more (the default
 * quota is 1,000; new accounts may start at 10 and must ask for more, see README).
 */
export const RESERVED_CONCURRENCY = { public: 5, mailer: 5, sweeper: 1, mailEvents: 5 } as const;

export interface HandlersProps {
  isDev: boolean;
  logRetention: logs.RetentionDays;
  data: DataTable;
  identity: Identity;
  mail: Mail;
  /** Public URL of the portal, ending in `/`: mail links point below it. */
  portalUrl: string;
}

/**
 * Every handler of routes.ts (one function per route) and the jobs, each with the role and
 * environment handler-access.ts gives it.
 *
 * Environment: only the settings a handler reads. config.ts reads them lazily, so a missing
 * one would only fail the call that needs it; giving each function just its own keeps the
 * blast radius of a leaked environment small and spares API functions from waiting on the
 * CloudFront distribution (PORTAL_URL) at deploy time.
 */
export class Handlers extends Construct {
  readonly routes = new Map<string, HandlerFunction>();
  readonly mailer: HandlerFunction;
  readonly sweeper: HandlerFunction;
  readonly mailEvents: HandlerFunction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: HandlersProps,
  ) {
    super(scope, id);
    for (const route of ROUTES) {
      const reserved = route.access === 'public' ? RESERVED_CONCURRENCY.public : undefined;
      this.routes.set(route.name, this.create(route.name, route.entry, Duration.seconds(15), reserved));
    }
    this.mailer = this.create(JOBS.mailer.name, JOBS.mailer.entry, Duration.seconds(60), RESERVED_CONCURRENCY.mailer);
    this.sweeper = this.create(JOBS.sweeper.name, JOBS.sweeper.entry, Duration.seconds(90), RESERVED_CONCURRENCY.sweeper);
    this.mailEvents = this.create(JOBS.mailEvents.name, JOBS.mailEvents.entry, Duration.seconds(15), RESERVED_CONCURRENCY.mailEvents);
  }

  /** Every function, routes first. */
  all(): HandlerFunction[] {
    return [...this.routes.values(), this.mailer, this.sweeper, this.mailEvents];
  }

  route(name: string): HandlerFunction {
    const handler = this.routes.get(name);
    if (!handler) throw new Error(`no handler for route ${name}`);
    return handler;
  }

  private create(name: string, entry: string, timeout: Duration, reservedConcurrency?: number): HandlerFunction {
    const access = handlerAccess(name);
    const handler = new HandlerFunction(this, name, {
      name,
      entry,
      timeout,
      isDev: this.props.isDev,
      logRetention: this.props.logRetention,
      environment: this.environment(access),
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
    });
    this.grant(handler.role, access);
    return handler;
  }

  private environment(access: HandlerAccess): Record<string, string> {
    const { data, identity, mail, portalUrl } = this.props;
    const settings = new Set(access.settings ?? []);
    return {
      ...(usesTable(access) ? { TABLE_NAME: data.table.tableName } : {}),
      ...(settings.has('userPool') ? { USER_POOL_ID: identity.userPool.userPoolId } : {}),
      ...(settings.has('portalClient') ? { PORTAL_CLIENT_ID: identity.portalClient.userPoolClientId } : {}),
      ...(settings.has('portalUrl') ? { PORTAL_URL: portalUrl } : {}),
      ...(settings.has('mail') ? { MAIL_FROM: mail.senderEmail, SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName } : {}),
    };
  }

  private grant(role: iam.IRole, access: HandlerAccess): void {
    const { data, identity, mail } = this.props;
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

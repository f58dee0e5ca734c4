import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HANDLER_BUNDLING, HANDLER_RUNTIME, REPO_ROOT } from './bundling.js';
import { suppress } from './nag.js';
import { removalPolicyOf } from './stage-config.js';

export interface HandlerFunctionProps {
  /** The short name from routes.ts; names the log group's construct and the description. */
  name: string;
  /** Entry file relative to the repository root, as in routes.ts. */
  entry: string;
  isDev: boolean;
  logRetention: logs.RetentionDays;
  environment: Record<string, string>;
  /** API handlers answer within API Gateway's 30 s; jobs get longer. */
  timeout?: Duration;
  memorySize?: number;
  /** Caps this function's share of the account's concurrency (and reserves it). */
  reservedConcurrency?: number;
}

/**
 * One handler with the defaults every Signoff function shares: Node 22 on arm64, an ESM bundle
 * (bundling.ts), JSON logs into its own log group with a retention, and a role of its own that
 * starts with nothing but writing to that log group. Callers add exactly what the code uses.
 */
export class HandlerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.isDev),
    });
    // Not AWSLambdaBasicExecutionRole: that one may create and write any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Signoff ${props.name} handler`,
    });
    this.logGroup.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents');

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      description: `Signoff ${props.name} (${props.entry})`,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: HANDLER_BUNDLING,
      environment: {
        LOG_LEVEL: props.isDev ? 'DEBUG' : 'INFO',
        ...props.environment,
      },
    });
    // The role's policy must exist before the function, or its first calls can be refused.
    this.function.node.addDependency(this.role);
    suppress(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          `Pinned to ${HANDLER_RUNTIME.name} on purpose: it is the Node line the code, its dependencies (@middy 6, vitest 4) and ` +
          'the tests target, and Lambda supports it into 2027. Moving on is a one-line change in lib/bundling.ts once tested.',
      },
    ]);
  }
}

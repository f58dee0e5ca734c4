import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOBS, ROUTES } from '../../functions/handlers/routes.js';
import { STREAM_SOURCES } from '../../functions/shared/stream-sources.js';
import { TABLE_DEFINITION } from '../../functions/store/table-definition.js';
import { API_THROTTLE } from '../../lib/api.js';
import { handlerAccess } from '../../lib/handler-access.js';
import { apiPathPatterns } from '../../lib/portal-edge.js';
import { type Resource, resourcesOf, type Synthesized, synth } from './synth.js';

const ALL_HANDLERS = [...ROUTES, ...Object.values(JOBS)];
const SENDER = 'approvals@signoff.example';

let prod: Synthesized;
let dev: Synthesized;
let withDomain: Synthesized;

beforeAll(() => {
  prod = synth({ stage: 'prod', senderEmail: SENDER });
  dev = synth({ stage: 'dev' });
  withDomain = synth({
    stage: 'staging',
    portalDomain: 'approvals.example.org',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234',
  });
});

type Ref = { Ref: string };
type GetAtt = { 'Fn::GetAtt': [string, string] };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const only = <T>(record: Record<string, T>): [string, T] => {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

/** The function of one handler, found by the description every HandlerFunction carries. */
function handlerFunction(template: Template, name: string): [string, Resource] {
  return only(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(`^Signoff ${name} \\(`) } }),
  ) as [string, Resource];
}

/** Every statement of the policies attached to a function's role. */
function statementsOf(template: Template, functionId: string, fn: Resource): Statement[] {
  const roleId = (fn.Properties.Role as GetAtt)['Fn::GetAtt'][0];
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Ref[]).some((r) => r.Ref === roleId),
  );
  expect(policies.length, `policies of ${functionId}`).toBeGreaterThan(0);
  return policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A dead-letter queue by its construct id (the logical id starts with the construct path). */
function queue(template: Template, constructId: string): [string, Resource] {
  const queues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).filter(([id]) => id.includes(constructId));
  expect(queues, constructId).toHaveLength(1);
  return queues[0]!;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const env = (fn: Resource) =>
  ((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables ?? {}) as Record<string, unknown>;

describe('the HTTP API', () => {
  it('has exactly the routes of routes.ts', () => {
    const routeKeys = Object.values(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))('wires %s to its own handler with the right authorization', (_, route) => {
    const [, resource] = only(
      prod.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: `${route.method} ${route.path}` } }),
    ) as [string, Resource];
    if (route.access === 'public') {
      expect(resource.Properties.AuthorizationType).toBe('NONE');
      expect(resource.Properties.AuthorizerId).toBeUndefined();
    } else {
      expect(resource.Properties.AuthorizationType).toBe('JWT');
      expect(resource.Properties.AuthorizerId).toEqual({ Ref: expect.stringMatching(/Cognito/) });
    }
    // Route → integration → the function built from route.entry.
    const target = JSON.stringify(resource.Properties.Target);
    const integrationId = target.match(/"Ref":"([^"]+)"/)?.[1];
    const integration = resourcesOf(prod.template, 'AWS::ApiGatewayV2::Integration')[integrationId!];
    const functionId = (integration!.Properties.IntegrationUri as GetAtt)['Fn::GetAtt'][0];
    const fn = resourcesOf(prod.template, 'AWS::Lambda::Function')[functionId];
    expect(fn?.Properties.Description).toBe(`Signoff ${route.name} (${route.entry})`);
  });

  it('gives every route a function of its own', () => {
    const integrations = Object.values(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Integration'));
    const functions = new Set(integrations.map((i) => JSON.stringify(i.Properties.IntegrationUri)));
    expect(functions.size).toBe(ROUTES.length);
  });

  it('checks tokens of the user pool for both app clients', () => {
    const [, authorizer] = only(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Authorizer'));
    const [poolId] = Object.keys(resourcesOf(prod.template, 'AWS::Cognito::UserPool'));
    const clients = Object.keys(resourcesOf(prod.template, 'AWS::Cognito::UserPoolClient'));
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    const jwt = authorizer.Properties.JwtConfiguration as { Audience: Ref[]; Issuer: unknown };
    expect(jwt.Audience.map((a) => a.Ref).sort()).toEqual(clients.sort());
    expect(JSON.stringify(jwt.Issuer)).toContain(poolId);
  });

  it('throttles and logs its one stage', () => {
    const [, stage] = only(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Stage'));
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
    });
    const access = stage.Properties.AccessLogSettings as { DestinationArn: GetAtt; Format: string };
    const logGroup = resourcesOf(prod.template, 'AWS::Logs::LogGroup')[access.DestinationArn['Fn::GetAtt'][0]];
    expect(logGroup?.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(access.Format).not.toMatch(/email/);
  });

  it('allows no cross-origin browser calls when the portal shares the API origin', () => {
    const [, api] = only(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Api'));
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it("allows only the portal's custom domain across origins", () => {
    const [, api] = only(resourcesOf(withDomain.template, 'AWS::ApiGatewayV2::Api'));
    expect(api.Properties.CorsConfiguration).toMatchObject({ AllowOrigins: ['https://approvals.example.org'] });
  });
});

describe('the table', () => {
  const keySchema = (pk: string, sk: string) => [
    { AttributeName: pk, KeyType: 'HASH' },
    { AttributeName: sk, KeyType: 'RANGE' },
  ];

  it('has the keys and indexes of TABLE_DEFINITION', () => {
    const [, table] = only(resourcesOf(prod.template, 'AWS::DynamoDB::Table'));
    expect(table.Properties.KeySchema).toEqual(keySchema(TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey));
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE_DEFINITION.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: keySchema(i.partitionKey, i.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keyNames = [
      TABLE_DEFINITION.partitionKey,
      TABLE_DEFINITION.sortKey,
      ...TABLE_DEFINITION.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    expect(table.Properties.AttributeDefinitions).toEqual(keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })));
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true });
  });

  it('is on demand, streams new and old images, and recovers to a point in time', () => {
    const [, table] = only(resourcesOf(prod.template, 'AWS::DynamoDB::Table'));
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is protected from deletion and kept on teardown outside dev', () => {
    const [, table] = only(resourcesOf(prod.template, 'AWS::DynamoDB::Table'));
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('can be torn down in dev', () => {
    const [, table] = only(resourcesOf(dev.template, 'AWS::DynamoDB::Table'));
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('every handler function', () => {
  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s runs Node 22 on arm64 with JSON logs into its own log group', (name) => {
    const [, fn] = handlerFunction(prod.template, name);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
    });
    expect(env(fn)).toMatchObject({ LOG_LEVEL: 'INFO' });
    const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: Ref }).LogGroup.Ref;
    const logGroup = resourcesOf(prod.template, 'AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup?.Properties.RetentionInDays).toBe(90);
    expect(logGroup?.DeletionPolicy).toBe('Retain');
  });

  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s has a role of its own', (name) => {
    const roles = new Set(ALL_HANDLERS.map((h) => JSON.stringify(handlerFunction(prod.template, h.name)[1].Properties.Role)));
    expect(roles.size).toBe(ALL_HANDLERS.length);
    const [, fn] = handlerFunction(prod.template, name);
    const roleId = (fn.Properties.Role as GetAtt)['Fn::GetAtt'][0];
    const role = resourcesOf(prod.template, 'AWS::IAM::Role')[roleId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('least privilege', () => {
  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s never scans, never wildcards a DynamoDB action or resource', (name) => {
    const [id, fn] = handlerFunction(prod.template, name);
    for (const statement of statementsOf(prod.template, id, fn)) {
      const actions = actionsOf(statement);
      expect(actions).not.toContain('*');
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((a) => a.includes('*') && a.startsWith('dynamodb:'))).toEqual([]);
      if (actions.some((a) => a.startsWith('dynamodb:'))) expect(resourcesOfStatement(statement)).not.toContain('*');
    }
  });

  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s gets exactly the table actions and indexes its code uses', (name) => {
    const [id, fn] = handlerFunction(prod.template, name);
    const [tableId] = only(resourcesOf(prod.template, 'AWS::DynamoDB::Table'));
    const access = handlerAccess(name);
    const statements = statementsOf(prod.template, id, fn).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const onTable = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }));
    const onIndexes = statements.filter((s) => JSON.stringify(s.Resource).includes('/index/'));
    const onStream = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] }));
    expect(onTable.length + onIndexes.length + onStream.length).toBe(statements.length);
    expect(onTable.flatMap(actionsOf).sort()).toEqual((access.table ?? []).map((a) => `dynamodb:${a}`).sort());
    for (const s of onIndexes) expect(actionsOf(s)).toEqual(['dynamodb:Query']);
    const indexes = onIndexes.flatMap((s) => [...JSON.stringify(s.Resource).matchAll(/\/index\/(\w+)/g)].map((m) => m[1]));
    expect(indexes.sort()).toEqual([...(access.indexes ?? [])].sort());
    // The stream consumers: the mailer (outbox), the dispatcher (events), the receipt signer.
    expect(onStream.length).toBe(([JOBS.mailer.name, JOBS.dispatcher.name, JOBS.receipts.name] as string[]).includes(name) ? 1 : 0);
  });

  it('lets only the directory routes administer Cognito users, on the user pool only', () => {
    for (const { name } of ALL_HANDLERS) {
      const [id, fn] = handlerFunction(prod.template, name);
      const cognito = statementsOf(prod.template, id, fn).filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
      if (name === 'put-approver' || name === 'delete-approver') {
        expect(cognito).toHaveLength(1);
        expect(JSON.stringify(cognito[0]!.Resource)).toMatch(/UserPool.*Arn/);
      } else {
        expect(cognito, name).toEqual([]);
      }
    }
  });

  it('lets only the mailer and the sweeper send mail, from the sender identity through the configuration set', () => {
    for (const { name } of ALL_HANDLERS) {
      const [id, fn] = handlerFunction(prod.template, name);
      const ses = statementsOf(prod.template, id, fn).filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      if (name === JOBS.mailer.name || name === JOBS.sweeper.name) {
        // SendEmail, limited; and GetAccount (read-only, no resource type: IAM takes only "*"),
        // which the mailer paces its sends with.
        expect(ses).toHaveLength(2);
        const send = ses.find((s) => actionsOf(s).includes('ses:SendEmail'))!;
        expect(actionsOf(send)).toEqual(['ses:SendEmail']);
        const resources = JSON.stringify(send.Resource);
        expect(resources).toContain(':identity/');
        expect(resources).toContain(':configuration-set/');
        expect(send.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
        const account = ses.find((s) => s !== send)!;
        expect(actionsOf(account)).toEqual(['ses:GetAccount']);
        expect(account.Resource).toBe('*');
      } else {
        expect(ses, name).toEqual([]);
      }
    }
  });

  it('lets the mailers send to verified recipient identities only while SES is in the sandbox', () => {
    const sandboxed = synth({ stage: 'trial', senderEmail: SENDER, sesSandbox: 'true' });
    const anyIdentity = (template: Template, name: string) => {
      const [id, fn] = handlerFunction(template, name);
      const ses = statementsOf(template, id, fn).find((s) => actionsOf(s).includes('ses:SendEmail'))!;
      expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
      return JSON.stringify(ses.Resource).includes(':identity/*');
    };
    for (const name of [JOBS.mailer.name, JOBS.sweeper.name]) {
      expect(anyIdentity(sandboxed.template, name), name).toBe(true);
      expect(anyIdentity(prod.template, name), name).toBe(false);
    }
  });

  it("reads the stream through the table's stream ARN only", () => {
    const [id, fn] = handlerFunction(prod.template, JOBS.mailer.name);
    const stream = statementsOf(prod.template, id, fn).filter((s) => actionsOf(s).includes('dynamodb:GetRecords'));
    expect(stream).toHaveLength(1);
    expect(stream[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
  });
});

describe('settings', () => {
  it('gives the mailers what mail needs and the others none of it', () => {
    for (const { name } of ALL_HANDLERS) {
      const variables = env(handlerFunction(prod.template, name)[1]);
      const mails = name === JOBS.mailer.name || name === JOBS.sweeper.name;
      expect('MAIL_FROM' in variables, name).toBe(mails);
      expect('PORTAL_URL' in variables, name).toBe(mails);
      if (mails) {
        expect(variables.MAIL_FROM).toBe(SENDER);
        expect(JSON.stringify(variables.PORTAL_URL)).toMatch(/"https:\/\/",.*"\/portal\/"/);
        expect(variables.SES_CONFIGURATION_SET).toEqual({ Ref: expect.stringMatching(/ConfigurationSet/) });
      }
    }
  });

  it('gives the portal configuration route the pool and client ids, and the health check nothing', () => {
    expect(Object.keys(env(handlerFunction(prod.template, 'portal-config')[1])).sort()).toEqual(
      ['LOG_LEVEL', 'PORTAL_CLIENT_ID', 'USER_POOL_ID'].sort(),
    );
    expect(Object.keys(env(handlerFunction(prod.template, 'health')[1])).sort()).toEqual(['LOG_LEVEL']);
  });

  it('points mail links at the custom domain when there is one', () => {
    expect(env(handlerFunction(withDomain.template, JOBS.mailer.name)[1]).PORTAL_URL).toBe('https://approvals.example.org/portal/');
  });
});

describe('the mailer', () => {
  it('drains outbox inserts from the stream, a failing record at a time, into a dead-letter queue', () => {
    const [mailerId] = handlerFunction(prod.template, JOBS.mailer.name);
    const [, mapping] = only(
      Object.fromEntries(
        Object.entries(resourcesOf(prod.template, 'AWS::Lambda::EventSourceMapping')).filter(
          ([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: mailerId }),
        ),
      ),
    );
    const [queueId] = queue(prod.template, 'MailerDeadLetters');
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: mailerId },
      EventSourceArn: { 'Fn::GetAtt': [expect.any(String), 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: expect.any(Number),
      MaximumRecordAgeInSeconds: expect.any(Number),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      // As the local stream poller batches (functions/shared/stream-sources.ts).
      BatchSize: STREAM_SOURCES.mailer.batchSize,
      ParallelizationFactor: STREAM_SOURCES.mailer.parallelization,
    });
    expect(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0).toBe(STREAM_SOURCES.mailer.windowSeconds);
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['outbox'] } } } },
    ]);
  });

  it.each(['MailerDeadLetters', 'MailEventDeadLetters'])('keeps dead letters (%s) encrypted, over TLS only, for two weeks', (name) => {
    const [queueId, dlq] = queue(prod.template, name);
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    prod.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('has a sweeper that runs every minute, so deadlines act within a minute', () => {
    const [sweeperId] = handlerFunction(prod.template, JOBS.sweeper.name);
    const rules = Object.values(resourcesOf(prod.template, 'AWS::Events::Rule')).filter(
      (r) => r.Properties.ScheduleExpression && JSON.stringify(r.Properties.Targets).includes(sweeperId),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(rules[0]!.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } })]);
  });
});

describe('what SES reports about sent mail', () => {
  const mailEventRules = () =>
    Object.values(resourcesOf(prod.template, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.EventPattern ?? {}).includes('Email Bounced'),
    );

  it('sends bounces, complaints and rejections of our configuration set to the mail-events function', () => {
    const [configurationSetId] = only(resourcesOf(prod.template, 'AWS::SES::ConfigurationSet'));
    const [functionId] = handlerFunction(prod.template, JOBS.mailEvents.name);
    const rules = mailEventRules();
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Rejected'],
      detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSetId }] } } },
    });
    const [queueId] = queue(prod.template, 'MailEventDeadLetters');
    expect(rules[0]!.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }),
    ]);
  });

  it('has the configuration set publish those events to EventBridge', () => {
    const [, destination] = only(resourcesOf(prod.template, 'AWS::SES::ConfigurationSetEventDestination'));
    const published = (destination.Properties.EventDestination as { MatchingEventTypes: string[] }).MatchingEventTypes;
    expect(published).toEqual(expect.arrayContaining(['bounce', 'complaint', 'reject']));
    expect(JSON.stringify(destination.Properties.EventDestination)).toContain('EventBridgeDestination');
  });

  it('sends a run of the mail-events function that keeps failing to the same dead-letter queue', () => {
    const [functionId] = handlerFunction(prod.template, JOBS.mailEvents.name);
    const [queueId] = queue(prod.template, 'MailEventDeadLetters');
    prod.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('lets EventBridge invoke the mail-events function and put into its dead-letter queue', () => {
    const [functionId] = handlerFunction(prod.template, JOBS.mailEvents.name);
    prod.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    const [queueId] = queue(prod.template, 'MailEventDeadLetters');
    prod.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });
});

describe('identity', () => {
  it('has a pool without self sign-up, email as user name and a strong password policy', () => {
    const [, pool] = only(resourcesOf(prod.template, 'AWS::Cognito::UserPool'));
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        InviteMessageTemplate: { EmailSubject: expect.any(String), EmailMessage: expect.anything() },
      },
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      DeletionProtection: 'ACTIVE',
    });
    const invitation = JSON.stringify((pool.Properties.AdminCreateUserConfig as Record<string, unknown>).InviteMessageTemplate);
    expect(invitation).toContain('{username}');
    expect(invitation).toContain('{####}');
    expect(invitation).toContain('/portal/');
  });

  it('has the groups of routes.ts', () => {
    const names = Object.values(resourcesOf(prod.template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(names.sort()).toEqual(['contacts', 'technicians', 'users']);
  });

  it('has a portal and a helpdesk client, without secrets, signing in with passwords and refresh tokens', () => {
    const clients = Object.values(resourcesOf(prod.template, 'AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.Properties.GenerateSecret).toBe(false);
      expect(client.Properties.ExplicitAuthFlows).toEqual(
        expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      );
    }
  });
});

describe('mail', () => {
  it('verifies the sender given as context and sends through a configuration set', () => {
    prod.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: SENDER,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('ConfigurationSet') } },
    });
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('records bounces and complaints in a log group, through EventBridge', () => {
    const [, destination] = only(resourcesOf(prod.template, 'AWS::SES::ConfigurationSetEventDestination'));
    expect(destination.Properties.EventDestination).toMatchObject({
      Enabled: true,
      MatchingEventTypes: expect.arrayContaining(['bounce', 'complaint']),
      EventBridgeDestination: { EventBusArn: expect.anything() },
    });
    const rule = Object.values(resourcesOf(prod.template, 'AWS::Events::Rule')).find((r) => r.Properties.EventPattern);
    expect(rule?.Properties.EventPattern).toMatchObject({ source: ['aws.ses'] });
    expect(JSON.stringify(rule?.Properties.Targets)).toContain(':log-group:');
    const [, policy] = only(resourcesOf(prod.template, 'AWS::Logs::ResourcePolicy'));
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('events.amazonaws.com');
  });
});

describe('the portal', () => {
  it('serves the portal bucket through origin access control and the API paths through the HTTP API', () => {
    const [, distribution] = only(resourcesOf(prod.template, 'AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig as {
      Origins: { S3OriginConfig?: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: { OriginProtocolPolicy: string } }[];
      CacheBehaviors: { PathPattern: string; TargetOriginId: string }[];
      DefaultCacheBehavior: { FunctionAssociations: unknown[]; ViewerProtocolPolicy: string };
      Logging: unknown;
    };
    expect(config.Origins).toHaveLength(2);
    expect(config.Origins.find((o) => o.S3OriginConfig)?.OriginAccessControlId).toBeDefined();
    expect(config.Origins.find((o) => o.CustomOriginConfig)?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(apiPathPatterns());
    expect(config.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Logging).toBeDefined();
  });

  it('forbids inline scripts and every third-party origin but Cognito and the API', () => {
    const [, policy] = only(resourcesOf(prod.template, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = JSON.stringify(
      (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: unknown } }).SecurityHeadersConfig
        .ContentSecurityPolicy,
    );
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/connect-src 'self' https:\/\/cognito-idp\./);
    expect(csp).toContain('.execute-api.');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('keeps the bucket private and TLS-only', () => {
    const buckets = Object.entries(resourcesOf(prod.template, 'AWS::S3::Bucket'));
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      prod.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('deploys the portal files and a config.json below /portal/', () => {
    const deployments = Object.values(resourcesOf(prod.template, 'Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.Properties).toMatchObject({ DestinationBucketKeyPrefix: 'portal/', DistributionPaths: ['/portal/*'] });
    expect(deployments[0]!.Properties.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(deployments[0]!.Properties.SourceMarkers)).toMatch(/UserPool|PortalClient/);
  });

  it('uses the custom domain with its certificate and TLS 1.2 when given', () => {
    const [, distribution] = only(resourcesOf(withDomain.template, 'AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig).toMatchObject({
      Aliases: ['approvals.example.org'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resourcesOf(prod.template, 'AWS::CloudWatch::Alarm'));
  const topicRef = () => ({ Ref: Object.keys(resourcesOf(prod.template, 'AWS::SNS::Topic'))[0] });

  it('watch API 5xx', () => {
    expect(alarms().some((a) => a.Properties.Namespace === 'AWS/ApiGateway' && a.Properties.MetricName === '5xx')).toBe(true);
  });

  it.each(['Errors', 'Throttles'])('watch %s of every handler', (metric) => {
    const watched = alarms()
      .filter((a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric)
      .map((a) => JSON.stringify(a.Properties.Dimensions));
    for (const { name } of ALL_HANDLERS) {
      const [id] = handlerFunction(prod.template, name);
      expect(
        watched.some((d) => d.includes(`"${id}"`)),
        name,
      ).toBe(true);
    }
  });

  it.each(['MailerDeadLetters', 'MailEventDeadLetters'])('watch the dead-letter queue %s', (name) => {
    const [queueId] = queue(prod.template, name);
    const depth = alarms().filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depth.filter((a) => JSON.stringify(a.Properties.Dimensions).includes(queueId))).toHaveLength(1);
  });

  it('all notify the alarm topic', () => {
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([topicRef()]);
  });
});

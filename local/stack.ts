import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { JOBS, type Job, ROUTES } from '../functions/handlers/routes.js';
import { ENV } from '../functions/shared/env.js';
import { STREAM_SOURCES, type StreamSource } from '../functions/shared/stream-sources.js';
import { PORTAL_PREFIX } from '../functions/shared/web.js';
import { ensureLocalKeyFile } from '../functions/signing/local-signer.js';
import { TABLE_DEFINITION } from '../functions/store/table-definition.js';
import { createActivity, whenIdle } from './activity.js';
import { ensureUserPool, type UserPoolIds } from './bootstrap-cognito.js';
import { type Emulator, startCognitoLocal, startDynamoDbLocal, startSesLocal } from './emulators.js';
import { createGateway, type HttpHandler } from './gateway.js';
import type { LocalInfo } from './local-info.js';
import { recordApiUrl, recordEmulator } from './running-stack.js';
import { seedDemo } from './seed.js';
import type { LocalSettings } from './settings.js';
import { ensureSignoffTable } from './signoff-table.js';
import { type StreamHandler, sourceOptions, startStreamPoller } from './stream-poller.js';
import { startWebhookInbox } from './webhook-inbox.js';

export interface LocalStack {
  info: LocalInfo;
  stop(): Promise<void>;
}

const say = (message: string) => console.log(`[signoff] ${message}`);

interface LocalState {
  pool?: UserPoolIds;
  webhookDemo?: { id: string; secret: string };
}

function readState(file: string): LocalState {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/**
 * Starts the emulators, creates the table, pool, groups and clients from the same definitions
 * as the CDK stack, points the handlers at them through the same environment variables a
 * Lambda gets, seeds the demo and serves the API, the portal and the stream-fed mailer.
 */
export async function startLocalStack(settings: LocalSettings): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error(e));
  };
  try {
    mkdirSync(settings.stateDir, { recursive: true });
    const logs = join(settings.stateDir, 'logs');
    mkdirSync(logs, { recursive: true });
    const onSpawn = (pid: number) => recordEmulator(settings.stateDir, pid);
    say('starting DynamoDB Local, cognito-local and the SES emulator…');
    const started = await Promise.all([
      startDynamoDbLocal({
        port: settings.dynamodbPort,
        logFile: join(logs, 'dynamodb.log'),
        onSpawn,
        ...(settings.persist ? { dataDir: join(settings.stateDir, 'dynamodb') } : {}),
      }),
      startCognitoLocal({
        port: settings.cognitoPort,
        dataDir: join(settings.stateDir, 'cognito'),
        logFile: join(logs, 'cognito.log'),
        onSpawn,
      }),
      startSesLocal({ port: settings.sesPort, logFile: join(logs, 'ses.log'), onSpawn }),
    ] as const);
    const [dynamo, cognitoLocal, ses] = started as readonly Emulator[] as [Emulator, Emulator, Emulator];
    for (const e of started) stops.push(e.stop);
    say(
      `emulators up: DynamoDB Local ${dynamo.endpoint} (it listens on all interfaces), cognito-local ${cognitoLocal.endpoint}, SES ${ses.endpoint}`,
    );

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', [ENV.region]: settings.region });
    say(`table ${settings.tableName}…`);
    const streamArn = await ensureSignoffTable(
      new DynamoDBClient({ region: settings.region, endpoint: dynamo.endpoint, credentials }),
      settings.tableName,
      (line) => say(`table ${settings.tableName}: ${line}`),
    );
    const cognito = new CognitoIdentityProviderClient({ region: settings.region, endpoint: cognitoLocal.endpoint, credentials });
    const stateFile = join(settings.stateDir, 'state.json');
    say('user pool, groups and app clients…');
    const pool = await ensureUserPool({
      client: cognito,
      poolName: 'signoff',
      ...(readState(stateFile).pool ? { existing: readState(stateFile).pool } : {}),
    });
    const state: LocalState = { ...readState(stateFile), pool };
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
    // No KMS here: webhook secrets are sealed with a key of the state folder (secret-box.ts).
    const webhookKeyFile = join(settings.stateDir, 'webhook-secret.key');
    if (!existsSync(webhookKeyFile)) writeFileSync(webhookKeyFile, randomBytes(32), { mode: 0o600 });
    // No KMS here either: receipts are signed with P-256 keys of the state folder (local-signer.ts),
    // made on the first start and kept, so receipts and the JWKS survive restarts.
    const receiptKeyFile = join(settings.stateDir, 'receipt-keys.json');
    ensureLocalKeyFile(receiptKeyFile);

    const apiUrl = `http://127.0.0.1:${settings.port}`;
    const portalUrl = `${apiUrl}${PORTAL_PREFIX}`;
    // The same variables the CDK stack gives each Lambda, plus the emulator endpoints.
    Object.assign(process.env, {
      [ENV.tableName]: settings.tableName,
      [ENV.dynamodbEndpoint]: dynamo.endpoint,
      [ENV.cognitoEndpoint]: cognitoLocal.endpoint,
      [ENV.sesEndpoint]: ses.endpoint,
      [ENV.userPoolId]: pool.userPoolId,
      [ENV.portalClientId]: pool.portalClientId,
      [ENV.portalUrl]: portalUrl,
      [ENV.mailFrom]: settings.mailFrom,
      [ENV.webhookKeyFile]: webhookKeyFile,
      [ENV.receiptKeyFile]: receiptKeyFile,
      // The local stack's one difference for webhooks: receivers on loopback (and http there).
      [ENV.webhookAllowLoopback]: 'true',
    });

    say('demo technician and approvers…');
    const demo = await seedDemo(cognito, pool.userPoolId);
    const load = async <T>(entry: string): Promise<T> => (await import(pathToFileURL(resolve(settings.root, entry)).href)).handler as T;

    const { createTokenVerifier } = await import('./token-verifier.js');
    const { withUserAttributeClaims } = await import('./user-claims.js');
    const portalDir = resolve(settings.root, 'portal/dist');
    const gateway = createGateway({
      routes: ROUTES,
      loadHandler: (entry) => load<HttpHandler>(entry),
      verifier: withUserAttributeClaims(
        createTokenVerifier({
          cognitoEndpoint: cognitoLocal.endpoint,
          userPoolId: pool.userPoolId,
          clientIds: [pool.portalClientId, pool.helpdeskClientId],
        }),
        cognito,
        pool.userPoolId,
      ),
      ...(existsSync(portalDir) ? { staticPortal: { dir: portalDir, connectSrc: [cognitoLocal.endpoint], prefix: PORTAL_PREFIX } } : {}),
      logger: { info: () => {}, error: (message, error) => console.error(`[gateway] ${message}`, error) },
      // Local only: tests and the benchmark wait on this instead of sleeping.
      // The mailer's and the dispatcher's rounds first, then the receipt job's: a request closed by then has its receipt signed.
      whenIdle: () =>
        whenIdle({ gateway, sweeper, poller: { idle: () => Promise.all([poller.idle(), dispatcher.idle()]).then(() => receipts.idle()) } }),
    });
    say(`API and portal on ${apiUrl}; mailer and sweeper…`);
    await gateway.listen(settings.port);
    stops.push(gateway.close);

    // Each stream job reads the stream on its own, as its own event source does in AWS, and keeps
    // its own checkpoints. Lambda polls a stream about four times a second per shard; a bit faster
    // keeps the demo snappy.
    // Each is fed as its event source is (stream-sources.ts): the same filter, batch size and parallelization.
    const startJobPoller = async (job: Job, checkpointFile: string, source: StreamSource) => {
      const handler = await load<StreamHandler>(job.entry);
      const poller = startStreamPoller({
        streamsClient: new DynamoDBStreamsClient({ region: settings.region, endpoint: dynamo.endpoint, credentials }),
        streamArn,
        handler,
        checkpointFile: join(settings.stateDir, checkpointFile),
        functionName: job.name,
        intervalMs: 100,
        partitionKey: TABLE_DEFINITION.partitionKey,
        ...sourceOptions(source),
        logger: { info: () => {}, error: (message, error) => console.error(`[${job.name}] ${message}`, error) },
      });
      stops.push(poller.stop);
      return { handler, poller };
    };
    const { poller } = await startJobPoller(JOBS.mailer, 'stream-checkpoints.json', STREAM_SOURCES.mailer);
    const { handler: dispatch, poller: dispatcher } = await startJobPoller(
      JOBS.dispatcher,
      'dispatcher-checkpoints.json',
      STREAM_SOURCES.dispatcher,
    );
    // The receipt job too: it signs each receipt a closing request writes, as in AWS.
    const { handler: signReceipts, poller: receipts } = await startJobPoller(
      JOBS.receipts,
      'receipts-checkpoints.json',
      STREAM_SOURCES.receipts,
    );

    const inbox = await startWebhookInbox(settings.webhookInboxPort);
    stops.push(inbox.close);
    const demoWebhook = await registerDemoWebhook(inbox.url, state.webhookDemo);
    inbox.trust('/hooks/demo', demoWebhook.secret);
    writeFileSync(stateFile, JSON.stringify({ ...state, webhookDemo: demoWebhook }, null, 2));

    const sweep = await load<() => Promise<unknown>>(JOBS.sweeper.entry);
    const dispatchDue = dispatch as unknown as (event: object, context: unknown) => Promise<unknown>;
    const sweeper = createActivity();
    // One sweep at a time, like the scheduled Lambda: a tick while one runs is skipped, not queued
    // (queued sweeps would pile up on a slow machine, and a stop would wait for all of them).
    let sweeping: Promise<void> | undefined;
    let stopping = false;
    const timer = setInterval(() => {
      sweeping ??= sweeper
        .run(async () => {
          await sweep();
          // Stopping: no new webhook or receipt round (their work stays due for the next start).
          if (stopping) return;
          await dispatchDue({}, {});
          await (signReceipts as unknown as (event: object, context: unknown) => Promise<unknown>)({}, {});
        })
        .then(() => undefined)
        .catch((e) => console.error('[sweeper]', e))
        .finally(() => {
          sweeping = undefined;
        });
    }, settings.sweepIntervalMs);
    stops.push(async () => {
      clearInterval(timer);
      await sweeping;
    });
    // Stopping starts here: the mailer (stream and sweep alike, one module) claims no more mails,
    // so the stream poller's round and the sweep end once the sends in flight are done, and what
    // is left stays due in the outbox for the next start.
    const mailer = (await import(
      pathToFileURL(resolve(settings.root, 'functions/services/mailer.ts')).href
    )) as typeof import('../functions/services/mailer.js');
    stops.push(async () => {
      stopping = true;
      mailer.stopClaiming();
    });

    const info: LocalInfo = {
      apiUrl,
      portalUrl,
      region: settings.region,
      dynamodb: { endpoint: dynamo.endpoint, tableName: settings.tableName },
      cognito: {
        endpoint: cognitoLocal.endpoint,
        userPoolId: pool.userPoolId,
        clientId: pool.portalClientId,
        helpdeskClientId: pool.helpdeskClientId,
      },
      ses: { endpoint: ses.endpoint, storeUrl: `${ses.endpoint}/store`, viewerUrl: `${ses.endpoint}/` },
      webhooks: { inboxUrl: `${inbox.url}/`, deliveriesUrl: `${inbox.url}/deliveries`, demoWebhookId: demoWebhook.id },
      demo,
    };
    recordApiUrl(settings.stateDir, apiUrl);
    // Written whole, then renamed: whoever waits for the file never reads half of it.
    const infoFile = join(settings.stateDir, 'local.json');
    writeFileSync(`${infoFile}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
    renameSync(`${infoFile}.tmp`, infoFile);
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The demo endpoint, pointing at the inbox: registered through the webhook service as
 * `POST /webhooks` would, once; a restart that finds it again reuses it (and its secret, kept in
 * the state folder so the inbox can verify signatures).
 */
async function registerDemoWebhook(inboxUrl: string, known: LocalState['webhookDemo']) {
  // Imported once the environment is set: the service reads its settings on first use.
  const service = { ...(await import('../functions/services/webhooks.js')), ...(await import('../functions/services/webhook-secrets.js')) };
  const url = `${inboxUrl}/hooks/demo`;
  if (known) {
    const existing = await service.getWebhook(known.id).catch(() => null);
    if (existing?.url === url) return known;
    if (existing) await service.deleteWebhook(known.id);
  }
  const created = await service.registerWebhook({ url, description: 'Local demo: the webhook inbox' });
  return { id: created.id, secret: created.secret };
}

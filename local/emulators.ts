import { accessSync, constants, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { startChildProcess } from './child-process.js';

export interface Emulator {
  endpoint: string;
  /** The process (and process group) id, recorded in the state folder's running.json. */
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const require = createRequire(import.meta.url);
const defaultLogFile = (name: string, port: number) => join(tmpdir(), `signoff-${name}-${port}.log`);

export const findJava = (): string => {
  const candidates = [
    ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'java')),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(
    'DynamoDB Local needs Java 11 or newer, and no `java` was found on PATH or in JAVA_HOME. ' +
      'Install it, e.g. `sudo apt-get install default-jre-headless`.',
  );
};

/**
 * DynamoDB Local 1.25 has no option to choose the bind address: it listens on all interfaces.
 * With -sharedDb it accepts any credentials, so keep it off untrusted networks.
 */
export const startDynamoDbLocal = async (options: {
  port: number;
  /** Keeps the data in `<dataDir>/shared-local-instance.db`; without it the data is in memory. */
  dataDir?: string;
  logFile?: string;
  onSpawn?: (pid: number) => void;
}): Promise<Emulator> => {
  const emulatorDir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const storage = options.dataDir ? ['-sharedDb', '-dbPath', resolve(options.dataDir)] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const endpoint = `http://${HOST}:${options.port}`;
  const child = await startChildProcess({
    name: 'dynamodb-local',
    command: findJava(),
    args: [
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulatorDir, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-disableTelemetry',
      ...storage,
    ],
    cwd: emulatorDir,
    logFile: options.logFile ?? defaultLogFile('dynamodb-local', options.port),
    ready: { url: endpoint },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  return { endpoint, pid: child.pid, logFile: child.logFile, stop: child.stop };
};

/**
 * cognito-local keeps its data in `./.cognito` of its working directory, and HOST sets both the
 * address it listens on and its token issuer (`http://<HOST>:<PORT>/<poolId>`).
 */
export const startCognitoLocal = async (options: {
  port: number;
  dataDir: string;
  logFile?: string;
  onSpawn?: (pid: number) => void;
}): Promise<Emulator> => {
  mkdirSync(options.dataDir, { recursive: true });
  const endpoint = `http://${HOST}:${options.port}`;
  const child = await startChildProcess({
    name: 'cognito-local',
    command: process.execPath,
    args: [require.resolve('cognito-local/lib/bin/start.js')],
    cwd: resolve(options.dataDir),
    env: { ...process.env, PORT: String(options.port), HOST, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    logFile: options.logFile ?? defaultLogFile('cognito-local', options.port),
    ready: { url: `${endpoint}/health` },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  return { endpoint, pid: child.pid, logFile: child.logFile, stop: child.stop };
};

/**
 * The SES account the emulator describes: out of the sandbox, with a sending rate well above what
 * one machine's local stack can ask for (an account's rate is raised on request; docs/scale.md).
 */
export const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'TRANSACTIONAL',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'Signoff local stack',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 500, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: [] },
};

/** aws-ses-v2-local keeps mail in memory: `GET <endpoint>/store` lists it, `/` is its viewer. */
export const startSesLocal = async (options: { port: number; logFile?: string; onSpawn?: (pid: number) => void }): Promise<Emulator> => {
  const endpoint = `http://${HOST}:${options.port}`;
  const child = await startChildProcess({
    name: 'aws-ses-v2-local',
    command: process.execPath,
    args: [require.resolve('aws-ses-v2-local/dist/cli.js'), '--port', String(options.port), '--host', HOST],
    cwd: tmpdir(),
    logFile: options.logFile ?? defaultLogFile('ses-local', options.port),
    ready: { url: `${endpoint}/health-check` },
    // What GetAccount answers (the mailer paces its sends to SendQuota.MaxSendRate).
    env: { ...process.env, AWS_SES_ACCOUNT: JSON.stringify(LOCAL_SES_ACCOUNT) },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  return { endpoint, pid: child.pid, logFile: child.logFile, stop: child.stop };
};

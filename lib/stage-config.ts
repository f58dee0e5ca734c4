import type { Construct } from 'constructs';

/**
 * What an operator chooses at deploy time, from CDK context (`-c key=value` or cdk.json).
 * Every value has a default, so `cdk synth` works on a fresh clone without any flags.
 */
export interface StageConfig {
  /** `dev`, `prod`, … Names the stack (`Signoff-<stage>`) and decides what is kept on teardown. */
  stage: string;
  /** A dev stage may be torn down with its data; every other stage keeps and protects it. */
  isDev: boolean;
  /** The address approval mails come from; SES must verify it (see docs/deploy.md). */
  senderEmail: string;
  /** Optional custom domain of the portal; needs `certificateArn` (ACM, us-east-1). */
  portalDomain: string | undefined;
  certificateArn: string | undefined;
  /** Optional address that receives the alarm topic's notifications. */
  alarmEmail: string | undefined;
  /**
   * The account's SES is still in the sandbox: it then also authorises each send against the
   * (verified) recipient's identity, so the mailers may send to verified identities too.
   * Redeploy without it once SES production access is granted.
   */
  sesSandbox: boolean;
}

export const DEFAULT_STAGE = 'dev';
export const DEFAULT_SENDER = 'approvals@example.com';

const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

function text(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

/** Reads and checks the context once; a wrong value fails synthesis with the key's name. */
export function readStageConfig(scope: Construct): StageConfig {
  const stage = text(scope, 'stage') ?? DEFAULT_STAGE;
  const senderEmail = text(scope, 'senderEmail') ?? DEFAULT_SENDER;
  const portalDomain = text(scope, 'portalDomain')?.toLowerCase();
  const certificateArn = text(scope, 'certificateArn');
  const alarmEmail = text(scope, 'alarmEmail');
  const sandbox = text(scope, 'sesSandbox')?.toLowerCase() ?? 'false';

  if (!STAGE_NAME.test(stage)) throw new Error(`context stage="${stage}": use 1-20 lowercase letters, digits or dashes`);
  if (!EMAIL.test(senderEmail)) throw new Error(`context senderEmail="${senderEmail}" is not an email address`);
  if (alarmEmail && !EMAIL.test(alarmEmail)) throw new Error(`context alarmEmail="${alarmEmail}" is not an email address`);
  if (portalDomain && !DOMAIN.test(portalDomain)) throw new Error(`context portalDomain="${portalDomain}" is not a domain name`);
  if (Boolean(portalDomain) !== Boolean(certificateArn)) {
    throw new Error('context portalDomain and certificateArn go together: CloudFront needs the certificate for the domain');
  }
  if (sandbox !== 'true' && sandbox !== 'false') throw new Error(`context sesSandbox="${sandbox}": use true or false`);
  // CloudFront only takes certificates from us-east-1, whatever region the stack is in.
  if (certificateArn && !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(`context certificateArn="${certificateArn}" must be an ACM certificate ARN in us-east-1`);
  }
  return {
    stage,
    isDev: stage === DEFAULT_STAGE || stage.startsWith(`${DEFAULT_STAGE}-`),
    senderEmail,
    portalDomain,
    certificateArn,
    alarmEmail,
    sesSandbox: sandbox === 'true',
  };
}

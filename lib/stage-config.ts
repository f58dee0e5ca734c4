import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** What a resource that holds data does when its stack goes: a dev stage's goes with it, every other stage keeps it. */
export const removalPolicyOf = (isDev: boolean): RemovalPolicy => (isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);

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
  /**
   * Per-IP limit (requests per 5 minutes) of an AWS WAF web ACL on the CloudFront distribution;
   * no web ACL without it. Costs about USD 5/month for the ACL, 1 per rule, 0.60 per million
   * requests (README, "The edge").
   */
  wafRateLimit: number | undefined;
  /**
   * A regional custom domain of the HTTP API (with `apiCertificateArn`, ACM in the stack's
   * region). CloudFront then reaches the API through it, and the execute-api endpoint is off.
   */
  apiDomain: string | undefined;
  apiCertificateArn: string | undefined;
  /** `optional` (default): users may turn on TOTP; `required`: every sign-in needs it. */
  mfa: 'optional' | 'required';
  /** Which receipt signing key signs (1, 2, …); bump it to rotate (docs/deploy.md). */
  receiptKeyGeneration: number;
  /** KMS key ARNs of earlier receipt signing keys, still listed in the JWKS. */
  retiredReceiptKeys: string[];
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
  const wafRateLimit = text(scope, 'wafRateLimit');
  const apiDomain = text(scope, 'apiDomain')?.toLowerCase();
  const apiCertificateArn = text(scope, 'apiCertificateArn');
  const mfa = text(scope, 'mfa')?.toLowerCase() ?? 'optional';
  const receiptKeyGeneration = text(scope, 'receiptKeyGeneration') ?? '1';
  const retiredReceiptKeys = (text(scope, 'retiredReceiptKeys') ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);

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
  // WAF's rate-based rules take 10 to 2,000,000,000 requests per 5-minute window.
  if (wafRateLimit !== undefined && !(/^\d+$/.test(wafRateLimit) && Number(wafRateLimit) >= 10 && Number(wafRateLimit) <= 2e9)) {
    throw new Error(`context wafRateLimit="${wafRateLimit}": use a whole number of requests per 5 minutes per IP, 10 or more`);
  }
  if (apiDomain && !DOMAIN.test(apiDomain)) throw new Error(`context apiDomain="${apiDomain}" is not a domain name`);
  if (Boolean(apiDomain) !== Boolean(apiCertificateArn)) {
    throw new Error('context apiDomain and apiCertificateArn go together: the API custom domain needs a regional certificate');
  }
  if (apiCertificateArn && !/^arn:aws[\w-]*:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/.test(apiCertificateArn)) {
    throw new Error(`context apiCertificateArn="${apiCertificateArn}" must be an ACM certificate ARN`);
  }
  if (mfa !== 'optional' && mfa !== 'required') throw new Error(`context mfa="${mfa}": use optional or required`);
  if (!/^[1-9]\d{0,2}$/.test(receiptKeyGeneration)) {
    throw new Error(`context receiptKeyGeneration="${receiptKeyGeneration}": use a whole number from 1`);
  }
  for (const arn of retiredReceiptKeys) {
    if (!/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/.test(arn))
      throw new Error(`context retiredReceiptKeys: "${arn}" is not a KMS key ARN`);
  }
  return {
    stage,
    isDev: stage === DEFAULT_STAGE || stage.startsWith(`${DEFAULT_STAGE}-`),
    senderEmail,
    portalDomain,
    certificateArn,
    alarmEmail,
    sesSandbox: sandbox === 'true',
    wafRateLimit: wafRateLimit === undefined ? undefined : Number(wafRateLimit),
    apiDomain,
    apiCertificateArn,
    mfa,
    receiptKeyGeneration: Number(receiptKeyGeneration),
    retiredReceiptKeys,
  };
}

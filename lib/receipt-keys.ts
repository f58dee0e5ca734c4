import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { removalPolicyOf } from './stage-config.js';

export interface ReceiptKeysProps {
  isDev: boolean;
  /** Which key signs (docs/deploy.md, "Rotating the receipt signing key"): 1, 2, … */
  generation: number;
  /** ARNs of earlier signing keys: listed in the JWKS, never used to sign. */
  retiredKeyArns: readonly string[];
}

/**
 * The keys receipts are signed with: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) whose
 * private half never leaves KMS, and the retired keys of earlier generations, whose public halves
 * stay in the JWKS so old receipts keep verifying. KMS does not rotate asymmetric keys: a new
 * generation is a new key (a new construct id); the old one is retained, never deleted with the
 * stack, and its ARN goes into `retiredReceiptKeys`.
 */
export class ReceiptKeys extends Construct {
  readonly current: kms.Key;
  readonly retiredKeyArns: readonly string[];

  constructor(scope: Construct, id: string, props: ReceiptKeysProps) {
    super(scope, id);
    this.current = new kms.Key(this, props.generation === 1 ? 'SigningKey' : `SigningKey${props.generation}`, {
      description: `Signoff: signs approval receipts (generation ${props.generation})`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // Receipts outlive deployments: a key that signed them must stay to verify them (dev excepted).
      removalPolicy: removalPolicyOf(props.isDev),
      pendingWindow: Duration.days(30),
    });
    this.retiredKeyArns = props.retiredKeyArns;
  }

  /** Every key the JWKS lists: the current one first. */
  allKeyArns(): string[] {
    return [this.current.keyArn, ...this.retiredKeyArns];
  }
}

/**
 * cdk-nag v3 reports through CDK's policy validation; acknowledgements are CDK's own
 * `Validations.of(scope).acknowledge`. `suppress` keeps the familiar shape: one reason per rule,
 * narrowed with `appliesTo` to the findings it covers (`AwsSolutions-IAM5[Resource::…]`), so a
 * new wildcard elsewhere in the same policy is still reported.
 *
 * cdk-nag is CommonJS whose exports Node's ESM loader cannot detect by name, hence the default
 * import.
 */
import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const { AwsSolutionsChecks } = cdkNag;

export interface Suppression {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  id: string;
  /** Why this is acceptable here: a reviewer must be able to agree or disagree with it. */
  reason: string;
  /** Findings of the rule this covers (`Resource::arn:…`, `Action::s3:Get*`); all of them when omitted. */
  appliesTo?: readonly string[];
}

/** CDK takes an unqualified id for one of its own annotations: the pack's namespace goes first. */
const qualified = (id: string) => (/^[A-Za-z0-9]+::/.test(id) ? id : `${id.split('-')[0]}::${id}`);

export function suppress(scope: IConstruct, suppressions: readonly Suppression[]): void {
  for (const { id, reason, appliesTo } of suppressions) {
    if (appliesTo?.length) {
      for (const finding of appliesTo) Validations.of(scope).acknowledge({ id: qualified(`${id}[${finding}]`), reason });
    } else {
      Validations.of(scope).acknowledge({ id: qualified(id), reason });
    }
  }
}

import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Suppression } from '../../lib/nag.js';
import { type NagRun, synthWithNag } from './synth.js';

/**
 * lib/nag.ts's suppress(), switchable: applied as in the app, or only recorded, so the same
 * stack can also be checked raw and each acknowledgement matched to a real finding.
 */
const audit = vi.hoisted(() => ({ recordOnly: false, recorded: [] as { path: string; id: string }[] }));
vi.mock('../../lib/nag.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/nag.js')>();
  return {
    ...actual,
    suppress: (scope: IConstruct, suppressions: readonly Suppression[]) => {
      if (!audit.recordOnly) return actual.suppress(scope, suppressions);
      for (const { id, appliesTo } of suppressions) {
        for (const finding of appliesTo?.length ? appliesTo.map((a) => `${id}[${a}]`) : [id]) {
          audit.recorded.push({ path: scope.node.path, id: finding });
        }
      }
    },
  };
});

const STAGES = {
  dev: { stage: 'dev' },
  'a stage whose SES is still in the sandbox': { stage: 'trial', sesSandbox: 'true' },
  'prod with a custom domain': {
    stage: 'prod',
    senderEmail: 'approvals@signoff.example',
    alarmEmail: 'ops@signoff.example',
    portalDomain: 'approvals.example.org',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234',
  },
} as const;

const runs = new Map<string, { checked: NagRun; raw: NagRun; suppressions: { path: string; id: string }[] }>();

beforeAll(() => {
  for (const [name, context] of Object.entries(STAGES)) {
    audit.recordOnly = false;
    const checked = synthWithNag(context);
    audit.recordOnly = true;
    audit.recorded.length = 0;
    const raw = synthWithNag(context);
    runs.set(name, { checked, raw, suppressions: [...audit.recorded] });
  }
  audit.recordOnly = false;
});

const findingsOf = (run: NagRun) =>
  run.report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => ({ severity: v.severity, rule: v.ruleName, path: c.constructPath }))),
  );

describe.each(Object.keys(STAGES))('cdk-nag AwsSolutions on %s', (name) => {
  it('finds nothing that is not acknowledged', () => {
    const { checked } = runs.get(name)!;
    expect(findingsOf(checked).map((f) => `${f.severity} ${f.rule} at ${f.path}`)).toEqual([]);
    expect(checked.error).toBeUndefined();
  });

  it('has a reason a reviewer can judge on every acknowledgement', () => {
    const { acknowledgements } = runs.get(name)!.checked;
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, path, reason } of acknowledgements) {
      expect(id, path).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges wildcard IAM findings one by one, never the whole rule', () => {
    const iam5 = runs.get(name)!.checked.acknowledgements.filter((a) => a.id.includes('AwsSolutions-IAM5'));
    for (const { id, path } of iam5) expect(id, path).toMatch(/\[(Action|Resource)::.+\]$/);
  });

  it('acknowledges only findings cdk-nag really reports (none is stale)', () => {
    const { raw, suppressions } = runs.get(name)!;
    const findings = findingsOf(raw);
    expect(findings.length).toBeGreaterThan(0);
    const stale = suppressions.filter(
      (s) => !findings.some((f) => f.rule === s.id && (f.path === s.path || f.path.startsWith(`${s.path}/`))),
    );
    expect(stale).toEqual([]);
  });
});

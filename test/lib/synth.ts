import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../lib/bundling.js';
import { AwsSolutionsChecks } from '../../lib/nag.js';
import { SignoffStack } from '../../lib/signoff-stack.js';
import { readStageConfig } from '../../lib/stage-config.js';

/** The context of cdk.json (defaults and feature flags), so tests synthesise what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface Synthesized {
  app: App;
  stack: SignoffStack;
  template: Template;
  /** The cloud assembly directory (assets, templates, validation report). */
  outdir: string;
}

/**
 * One cloud assembly directory per test file (vitest runs each file in its own worker). CDK
 * caches a bundled asset per output directory, so every stage synthesised by one file shares
 * the 18 esbuild runs of the first.
 */
const OUTDIR = mkdtempSync(join(tmpdir(), 'signoff-cdk-'));

/** Synthesises the app as bin/signoff.ts builds it (without cdk-nag), with extra context. */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({ outdir: OUTDIR, context: { ...cdkJsonContext(), ...context } });
  const config = readStageConfig(app);
  const stack = new SignoffStack(app, `Signoff-${config.stage}`, { config });
  const assembly = app.synth();
  return { app, stack, template: Template.fromJSON(assembly.getStackByName(stack.stackName).template), outdir: assembly.directory };
}

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export interface NagRun {
  /** What synthesis threw (cdk-nag errors interrupt an in-memory synthesis), if anything. */
  error: unknown;
  /** CDK's policy validation report, as written next to the templates. */
  report: ValidationReport;
  acknowledgements: Acknowledgement[];
}

export interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; severity: string; description: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

export interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledged rule in the construct tree, with where and why. */
export function acknowledgementsOf(app: App): Acknowledgement[] {
  return app.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
        ),
    );
}

/** Synthesises with AwsSolutionsChecks and returns the report instead of throwing. */
export function synthWithNag(context: Record<string, unknown> = {}): NagRun {
  const app = new App({ outdir: OUTDIR, context: { ...cdkJsonContext(), ...context } });
  const config = readStageConfig(app);
  new SignoffStack(app, `Signoff-${config.stage}`, { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  let error: unknown;
  try {
    app.synth();
  } catch (caught) {
    error = caught;
  }
  const report = JSON.parse(readFileSync(join(OUTDIR, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { error, report, acknowledgements: acknowledgementsOf(app) };
}

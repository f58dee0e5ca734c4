import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../functions/handlers/routes.js';
import {
  ALL_HANDLERS,
  BUNDLE_BUDGET_RATIO,
  type BundleSize,
  floorSource,
  formatBundleTable,
  measureBundles,
  sdkImportsOf,
} from '../../lib/bundle-size.js';
import { type Resource, type Synthesized, synth } from './synth.js';

const ZOD =
  'validates with zod/mini (~31 KiB) and logs with the Powertools logger (~20 KiB with commons) on top of our own ~20 KiB: ' +
  'about 1.17-1.22x. Meeting 1.15x would mean dropping the Powertools logger or zod, both standard picks of the design.';
const NO_SDK =
  'imports no AWS SDK client, so its floor is an empty module (0.2 KiB) and the shared http stack alone (middy + the ' +
  'Powertools logger, ~25 KiB) is over 100×: a ratio to an SDK floor cannot hold for an SDK-free handler.';

/**
 * Handlers over budget today, each with the reason (see the report in docs and the issue note).
 * The budget is not loosened: their check is expected to fail, and the day one fits, its check
 * passes, `it.fails` turns red, and the entry must go. Any handler not listed must fit.
 */
const KNOWN_OVER_BUDGET: Readonly<Record<string, string>> = {
  health: NO_SDK,
  'portal-config': NO_SDK,
  'put-approver': ZOD,
  'list-approvers': ZOD,
  'delete-approver': ZOD,
  'list-tickets': ZOD,
  'put-ticket': ZOD,
  'get-activity': ZOD,
  'create-approval': ZOD,
  'get-approval': ZOD,
  'cancel-approval': ZOD,
  'put-recipients': ZOD,
  'send-reminder': ZOD,
  'get-my-approval': ZOD,
  respond: ZOD,
};

let sizes: Map<string, BundleSize>;
let deployed: Synthesized;

beforeAll(async () => {
  sizes = new Map((await measureBundles()).map((s) => [s.name, s]));
  deployed = synth({ stage: 'dev' });
});

afterAll(() => {
  if (sizes) console.info(`Handler bundles against their SDK floors:\n${formatBundleTable([...sizes.values()])}`);
});

function deployedBundle(name: string): string {
  const functions = deployed.template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(`^Signoff ${name} \\(`) },
  }) as Record<string, Resource>;
  const [fn] = Object.values(functions);
  const key = (fn!.Properties.Code as { S3Key: string }).S3Key;
  return join(deployed.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
}

describe('the deployed bundles', () => {
  it.each(ALL_HANDLERS.map((h) => [h.name] as const))('%s is synthesised as one ES module, exactly as measured', (name) => {
    const file = deployedBundle(name);
    expect(existsSync(file), file).toBe(true);
    expect(statSync(file).size).toBe(sizes.get(name)!.bytes);
  });
});

describe('the floors', () => {
  it('import what the handler imports from the SDK, and nothing else', () => {
    expect(sizes.get(JOBS.mailer.name)!.sdkImports).toEqual({
      '@aws-sdk/client-dynamodb': expect.arrayContaining(['DynamoDBClient']),
      '@aws-sdk/client-sesv2': ['SESv2Client', 'SendEmailCommand'],
      '@aws-sdk/lib-dynamodb': expect.arrayContaining(['DynamoDBDocumentClient', 'QueryCommand', 'UpdateCommand']),
    });
    expect(Object.keys(sizes.get('put-approver')!.sdkImports)).toContain('@aws-sdk/client-cognito-identity-provider');
    expect(sizes.get('health')!.sdkImports).toEqual({});
  });

  it('read value imports and skip type-only ones', () => {
    const source = [
      "import { A, type B, C as D } from '@aws-sdk/client-x';",
      "import type { E } from '@aws-sdk/client-y';",
      "import * as z from '@aws-sdk/client-z';",
    ].join('\n');
    expect(Object.fromEntries([...sdkImportsOf(source)].map(([pkg, names]) => [pkg, [...names]]))).toEqual({
      '@aws-sdk/client-x': ['A', 'C'],
      '@aws-sdk/client-z': ['*'],
    });
    expect(floorSource({ '@aws-sdk/client-x': ['A', 'C'] })).toBe(
      "import { A as p0n0, C as p0n1 } from '@aws-sdk/client-x';\nexport default [p0n0, p0n1];",
    );
  });
});

describe(`the size budget: at most ${BUNDLE_BUDGET_RATIO}× the SDK floor`, () => {
  for (const { name } of ALL_HANDLERS) {
    const known = KNOWN_OVER_BUDGET[name];
    const check = () => {
      const size = sizes.get(name)!;
      expect(size.ratio, `${name}: ${size.bytes} B against a floor of ${size.floorBytes} B`).toBeLessThanOrEqual(BUNDLE_BUDGET_RATIO);
    };
    if (known) it.fails(`${name} (known over budget: ${known})`, check);
    else it(`${name} fits`, check);
  }
});

/**
 * How every handler is bundled, defined once: handler-function.ts hands these to NodejsFunction
 * and tools/bundle-size.ts hands the same values to esbuild's API, so the size budget measures exactly
 * what is deployed.
 */
import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: entries in routes.ts are relative to it, and it is the bundling root. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const HANDLER_RUNTIME = Runtime.NODEJS_22_X;

/** esbuild's target for the runtime, as NodejsFunction derives it (`nodejs22.x` → `node22`). */
export const ESBUILD_TARGET = `node${HANDLER_RUNTIME.name.match(/nodejs(\d+)/)?.[1]}`;

/**
 * ESM output keeps `import.meta` and top-level await; some dependencies are still CommonJS and
 * call `require`, which an ES module lacks, so the bundle gets one from `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __signoffCreateRequire } from 'node:module'; const require = __signoffCreateRequire(import.meta.url);";

/** Prefer packages' ES builds: they tree-shake, the CommonJS ones mostly do not. */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * The AWS SDK v3 is bundled, not taken from the runtime: the bundle then runs the exact SDK
 * version the tests ran against (the runtime's copy changes under us with Lambda updates), and
 * esbuild keeps only the clients and commands a handler imports. The price is a larger
 * artifact, which the size budget (tools/bundle-size.ts) keeps in check against an SDK-only floor.
 */
export const BUNDLE_AWS_SDK = true;

export const HANDLER_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: false,
  bundleAwsSDK: BUNDLE_AWS_SDK,
  externalModules: [],
  // The locally installed esbuild bundles; synthesis never needs Docker (or a network).
  forceDockerBundling: false,
};

/**
 * The handler size budget: each handler's bundle against its floor, a bare entry that imports
 * nothing but the same AWS SDK clients and commands. What a handler adds on top of the SDK
 * (our code, middy, valibot, the logger) must stay within BUNDLE_BUDGET_RATIO of that floor.
 *
 * A handler that imports no SDK client has an empty module as its floor (a ratio to it says
 * nothing), so it gets the same allowance in bytes as the handler with the smallest SDK floor:
 * what any handler adds beyond the SDK stays within (BUNDLE_BUDGET_RATIO - 1) of an SDK floor.
 *
 * Both are bundled by esbuild with the settings NodejsFunction uses (bundling.ts), handlers in
 * one build and floors in a second. The cdk tests and the benchmark call measureBundles();
 * `npx tsx tools/bundle-size.ts` prints the table.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { JOBS, ROUTES } from '../functions/handlers/routes.js';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, HANDLER_BUNDLING, MAIN_FIELDS, REPO_ROOT } from '../lib/bundling.js';

export const BUNDLE_BUDGET_RATIO = 1.15;

export { REPO_ROOT };

export interface BundleEntry {
  name: string;
  /** Relative to the repository root, as in routes.ts. */
  entry: string;
}

export interface BundleSize {
  name: string;
  entry: string;
  /** Minified bundle, as deployed. */
  bytes: number;
  /** The same SDK imports alone, bundled the same way. */
  floorBytes: number;
  /** bytes / floorBytes; says nothing when hasFloor is false. */
  ratio: number;
  /** False for a handler that imports no SDK client: its floor is an empty module. */
  hasFloor: boolean;
  /** Bytes the handler may add on top of its floor. */
  allowanceBytes: number;
  withinBudget: boolean;
  /** The AWS SDK packages our code imports, with the names it imports from each. */
  sdkImports: Record<string, string[]>;
  /** Bytes in the bundle by package (`(ours)` for this repository's code), largest first. */
  byPackage: [string, number][];
}

/** Every handler the stack deploys: the routes and the jobs. */
export const ALL_HANDLERS: readonly BundleEntry[] = [...ROUTES.map(({ name, entry }) => ({ name, entry })), ...Object.values(JOBS)];

/** The NodejsFunction settings as esbuild API options. */
export function esbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'esm',
    minify: HANDLER_BUNDLING.minify ?? false,
    sourcemap: false,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    external: HANDLER_BUNDLING.externalModules ?? [],
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
    write: false,
    metafile: true,
  };
}

const SDK_IMPORT = /(?:^|[;\n])\s*(import|export)\s+(?!type\s)([^;]*?)\s+from\s+['"](@aws-sdk\/[^'"]+)['"]/g;

/** Value imports from `@aws-sdk/*` in one source file: package → names (`*` for a namespace import). */
export function sdkImportsOf(source: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [, , clause = '', pkg = ''] of source.matchAll(SDK_IMPORT)) {
    const names = found.get(pkg) ?? new Set<string>();
    const braces = clause.match(/\{([^}]*)\}/);
    if (braces?.[1] !== undefined) {
      for (const part of braces[1].split(',')) {
        const spec = part.trim();
        if (spec === '' || spec.startsWith('type ')) continue;
        names.add(spec.split(/\s+as\s+/)[0]!.trim());
      }
    }
    // A default or namespace import (or `export *`) keeps the whole package.
    if (!braces || /^\s*[\w$]+\s*,|\*/.test(clause.replace(/\{[^}]*\}/, ''))) names.add('*');
    if (names.size > 0) found.set(pkg, names);
  }
  return found;
}

const isOurs = (path: string) => !path.includes('node_modules/') && !path.startsWith('<') && !path.includes(':');

function packageOf(input: string): string {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  return match ? match[match.length - 1]!.replace('node_modules/', '') : '(ours)';
}

/** The SDK imports of our source files that made it into one output. */
function sdkImportsOfOutput(output: Metafile['outputs'][string], root: string): Record<string, string[]> {
  const merged = new Map<string, Set<string>>();
  for (const input of Object.keys(output.inputs)) {
    if (!isOurs(input)) continue;
    const path = isAbsolute(input) ? input : join(root, input);
    for (const [pkg, names] of sdkImportsOf(readFileSync(path, 'utf8'))) {
      const all = merged.get(pkg) ?? new Set<string>();
      for (const name of names) all.add(name);
      merged.set(pkg, all);
    }
  }
  return Object.fromEntries([...merged].sort(([a], [b]) => a.localeCompare(b)).map(([pkg, names]) => [pkg, [...names].sort()]));
}

/** The floor's source: the same names from the same packages, kept alive by a default export. */
export function floorSource(sdkImports: Record<string, string[]>): string {
  const lines: string[] = [];
  const kept: string[] = [];
  Object.entries(sdkImports).forEach(([pkg, names], p) => {
    if (names.includes('*')) {
      lines.push(`import * as p${p} from '${pkg}';`);
      kept.push(`p${p}`);
      return;
    }
    const aliases = names.map((name, n) => `${name} as p${p}n${n}`);
    lines.push(`import { ${aliases.join(', ')} } from '${pkg}';`);
    kept.push(...names.map((_, n) => `p${p}n${n}`));
  });
  lines.push(`export default [${kept.join(', ')}];`);
  return lines.join('\n');
}

const FLOOR_NAMESPACE = 'signoff-floor';

function floorPlugin(sources: Map<string, string>, root: string): Plugin {
  return {
    name: FLOOR_NAMESPACE,
    setup(builder) {
      builder.onResolve({ filter: /^floor:/ }, (args) => ({ path: args.path.slice('floor:'.length), namespace: FLOOR_NAMESPACE }));
      builder.onLoad({ filter: /.*/, namespace: FLOOR_NAMESPACE }, (args) => ({
        contents: sources.get(args.path) ?? '',
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

function outputsByEntry(metafile: Metafile, entryOf: (entryPoint: string) => string | undefined) {
  const byEntry = new Map<string, Metafile['outputs'][string]>();
  for (const output of Object.values(metafile.outputs)) {
    const name = output.entryPoint ? entryOf(output.entryPoint) : undefined;
    if (name) byEntry.set(name, output);
  }
  return byEntry;
}

/** Bundles every handler and its floor; sizes in bytes, ratio = handler / floor. */
export async function measureBundles(
  options: { entries?: readonly BundleEntry[]; root?: string; outdir?: string } = {},
): Promise<BundleSize[]> {
  const entries = options.entries ?? ALL_HANDLERS;
  const root = options.root ?? REPO_ROOT;
  const outdir = options.outdir ?? join(root, 'cdk.out', 'bundle-size');
  const common = { ...esbuildOptions(), absWorkingDir: root, outdir };

  const handlers = await build({ ...common, entryPoints: entries.map((e) => ({ in: e.entry, out: e.name })) });
  const byEntryFile = new Map(entries.map((e) => [relative(root, join(root, e.entry)), e.name]));
  const handlerOutputs = outputsByEntry(handlers.metafile!, (entryPoint) => byEntryFile.get(entryPoint));

  const sdkImports = new Map(entries.map((e) => [e.name, sdkImportsOfOutput(handlerOutputs.get(e.name)!, root)]));
  const floorSources = new Map(entries.map((e) => [e.name, floorSource(sdkImports.get(e.name)!)]));
  const floors = await build({
    ...common,
    entryPoints: entries.map((e) => ({ in: `floor:${e.name}`, out: `floor-${e.name}` })),
    plugins: [floorPlugin(floorSources, root)],
  });
  const floorOutputs = outputsByEntry(floors.metafile!, (entryPoint) => entryPoint.replace(`${FLOOR_NAMESPACE}:`, ''));

  const measured = entries.map((e) => {
    const output = handlerOutputs.get(e.name);
    const floor = floorOutputs.get(e.name);
    if (!output || !floor) throw new Error(`esbuild produced no bundle for ${e.name} (${e.entry})`);
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    return {
      name: e.name,
      entry: e.entry,
      bytes: output.bytes,
      floorBytes: floor.bytes,
      ratio: output.bytes / floor.bytes,
      hasFloor: Object.keys(sdkImports.get(e.name)!).length > 0,
      sdkImports: sdkImports.get(e.name)!,
      byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
    };
  });
  const sdkFloors = measured.filter((m) => m.hasFloor).map((m) => m.floorBytes);
  const smallestSdkFloor = sdkFloors.length > 0 ? Math.min(...sdkFloors) : 0;
  return measured.map((m) => {
    const allowanceBytes = Math.floor((BUNDLE_BUDGET_RATIO - 1) * (m.hasFloor ? m.floorBytes : smallestSdkFloor));
    return { ...m, allowanceBytes, withinBudget: m.bytes - m.floorBytes <= allowanceBytes };
  });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A markdown table of the measurements, for reports and the benchmark. */
export function formatBundleTable(sizes: readonly BundleSize[]): string {
  const rows = sizes.map((s) => {
    const top = s.byPackage
      .filter(([pkg]) => !pkg.startsWith('@aws-sdk/') && !pkg.startsWith('@smithy/'))
      .slice(0, 3)
      .map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`)
      .join(', ');
    const verdict = s.withinBudget ? 'ok' : 'OVER';
    const ratio = s.hasFloor ? `${s.ratio.toFixed(3)}×` : '—';
    const added = `${kib(s.bytes - s.floorBytes)} of ${kib(s.allowanceBytes)}`;
    return `| ${s.name} | ${kib(s.bytes)} | ${kib(s.floorBytes)} | ${ratio} | ${added} | ${verdict} | ${Object.keys(s.sdkImports).join(', ') || '(none)'} | ${top} |`;
  });
  return [
    `| handler | bundle | floor | ratio | added / allowed | ≤ ${BUNDLE_BUDGET_RATIO}× | SDK packages | largest non-SDK parts |`,
    '| --- | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = await measureBundles();
  console.log(formatBundleTable(sizes));
  process.exitCode = sizes.every((s) => s.withinBudget) ? 0 : 1;
}

/**
 * Measurement 4: each handler's deployed bundle against its floor, a bare entry importing only
 * the same SDK clients and commands: size (tools/bundle-size.ts) and cold import time, the fastest
 * of fresh `node` processes that import the file and nothing else. The fastest, not the median: a
 * busy machine only adds time to a run, and with 5 medians the handler judged slowest changed from
 * run to run (sizes the same); the fastest of 7 is what importing the code itself costs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  ALL_HANDLERS,
  BUNDLE_BUDGET_RATIO,
  type BundleSize,
  esbuildOptions,
  floorSource,
  measureBundles,
  REPO_ROOT,
} from '../tools/bundle-size.js';
import { atMost, type Row, type Section, table, verdict } from './report.js';

export const IMPORT_BUDGET_RATIO = 1.3;
const RUNS = 7;

interface Measured extends BundleSize {
  importMs: number;
  floorImportMs: number;
}

const IMPORT_SCRIPT = 'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';

function importOnce(file: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    // The SDK's Node-version notice goes to stderr, alike for bundle and floor.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(out.trim().split('\n').pop());
}

/** Writes every handler bundle and each distinct floor to `dir`; returns the floor file per handler. */
async function writeBundles(dir: string, sizes: BundleSize[]): Promise<Map<string, string>> {
  const { outExtension: _ext, ...options } = esbuildOptions();
  await build({
    ...esbuildOptions(),
    absWorkingDir: REPO_ROOT,
    outdir: dir,
    write: true,
    metafile: false,
    entryPoints: ALL_HANDLERS.map((e) => ({ in: e.entry, out: e.name })),
  });
  const floorFiles = new Map<string, string>();
  const bySource = new Map<string, string>();
  for (const size of sizes) {
    const source = floorSource(size.sdkImports);
    let file = bySource.get(source);
    if (!file) {
      file = join(dir, `floor-${bySource.size}.mjs`);
      bySource.set(source, file);
      await build({
        ...options,
        absWorkingDir: REPO_ROOT,
        outfile: file,
        write: true,
        metafile: false,
        stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: `floor-${size.name}.js`, loader: 'js' },
      });
    }
    floorFiles.set(size.name, file);
  }
  return floorFiles;
}

export async function measureHandlerBundles(): Promise<{ rows: Row[]; section: Section }> {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-bench-bundles-'));
  try {
    const sizes = await measureBundles({ outdir: dir });
    const floorFiles = await writeBundles(dir, sizes);
    for (const s of sizes) {
      const written = statSync(join(dir, `${s.name}.mjs`)).size;
      if (written !== s.bytes) console.error(`[bench] ${s.name}: written bundle ${written} B, measureBundles said ${s.bytes} B`);
    }
    // Each handler is timed right next to its floor, in alternating order, so drift on the
    // machine (other work, thermal) hits both alike.
    const times = new Map(sizes.map((s) => [s.name, { handler: [] as number[], floor: [] as number[] }]));
    for (let run = 0; run < RUNS; run++) {
      for (const s of sizes) {
        const t = times.get(s.name)!;
        const handler = () => t.handler.push(importOnce(join(dir, `${s.name}.mjs`)));
        const floor = () => t.floor.push(importOnce(floorFiles.get(s.name)!));
        if (run % 2 === 0) {
          handler();
          floor();
        } else {
          floor();
          handler();
        }
      }
    }
    const measured: Measured[] = sizes.map((s) => ({
      ...s,
      importMs: Math.min(...times.get(s.name)!.handler),
      floorImportMs: Math.min(...times.get(s.name)!.floor),
    }));
    return { rows: summaryRows(measured), section: detail(measured) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

function summaryRows(all: Measured[]): Row[] {
  const withFloor = all.filter((m) => m.hasFloor);
  const worst = (ratio: (m: Measured) => number) => withFloor.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
  const sizeRatio = (m: Measured) => m.bytes / m.floorBytes;
  const importRatio = (m: Measured) => m.importMs / m.floorImportMs;
  const over = (ratio: (m: Measured) => number, goal: number) => withFloor.filter((m) => ratio(m) > goal);
  const bySize = worst(sizeRatio);
  const margin = all.reduce((a, b) => (b.allowanceBytes - (b.bytes - b.floorBytes) < a.allowanceBytes - (a.bytes - a.floorBytes) ? b : a));
  const byImport = worst(importRatio);
  // Size: every handler, the SDK-free ones against their byte allowance (tools/bundle-size.ts).
  const sizeOver = all.filter((m) => !m.withinBudget);
  const importOver = over(importRatio, IMPORT_BUDGET_RATIO);
  return [
    {
      measurement: `4. bundle size, worst handler (${bySize.name})`,
      figure: kib(bySize.bytes),
      floor: kib(bySize.floorBytes),
      ratio: sizeRatio(bySize),
      goal: atMost(BUNDLE_BUDGET_RATIO),
      note: `${sizeOver.length} of ${all.length} handlers over (${sizeOver.map((m) => m.name).join(', ') || 'none'}); smallest margin ${kib(margin.allowanceBytes - (margin.bytes - margin.floorBytes))} (${margin.name}); see the bundle table`,
    },
    {
      measurement: `4. cold import, worst handler (${byImport.name})`,
      figure: ms(byImport.importMs),
      floor: ms(byImport.floorImportMs),
      ratio: importRatio(byImport),
      goal: atMost(IMPORT_BUDGET_RATIO),
      note: `${importOver.length} of ${withFloor.length} handlers over (${importOver.map((m) => m.name).join(', ') || 'none'}); fastest of ${RUNS} fresh processes`,
    },
  ];
}

function detail(all: Measured[]): Section {
  const rows = all.map((m) => {
    const sizeRatio = m.hasFloor ? m.bytes / m.floorBytes : null;
    const importRatio = m.hasFloor ? m.importMs / m.floorImportMs : null;
    const top = m.byPackage
      .filter(([pkg]) => !pkg.startsWith('@aws-sdk/') && !pkg.startsWith('@smithy/'))
      .slice(0, 3)
      .map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`)
      .join(', ');
    return [
      m.name,
      kib(m.bytes),
      kib(m.floorBytes),
      sizeRatio === null ? '—' : `${sizeRatio.toFixed(3)}×`,
      `${kib(m.bytes - m.floorBytes)} of ${kib(m.allowanceBytes)}`,
      m.withinBudget ? 'ok' : 'over',
      ms(m.importMs),
      ms(m.floorImportMs),
      importRatio === null ? '—' : `${importRatio.toFixed(2)}×`,
      verdict({ ratio: importRatio, goal: atMost(IMPORT_BUDGET_RATIO) }),
      top,
    ];
  });
  return {
    title: 'Bundles: size and cold import per handler',
    body: [
      `Minified ESM bundles as NodejsFunction builds them (lib/bundling.ts); the floor imports only the handler's SDK clients and commands. ` +
        `Import time: the fastest of ${RUNS} fresh \`node --input-type=module\` processes timing \`await import(bundle)\`, each next to a run of its floor. ` +
        'Handlers that import no SDK client have an empty floor, so their ratio is not meaningful (—): their size is held to the byte allowance of the smallest SDK floor instead (15 % of it), and their import time is not judged.',
      '',
      table(
        [
          'handler',
          'bundle',
          'floor',
          'size ratio',
          'added / allowed',
          `≤ ${BUNDLE_BUDGET_RATIO}×`,
          'import',
          'floor import',
          'import ratio',
          `≤ ${IMPORT_BUDGET_RATIO}×`,
          'largest non-SDK parts',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'l', 'l'],
      ),
    ].join('\n'),
  };
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the approver portal into static files: one hashed script, one hashed stylesheet and an
 * index.html that loads them. No inline script or style, so the page runs under a CSP of
 * `script-src 'self'; style-src 'self'`. Assets are addressed from the site root (`<base>` is
 * ruled out by `base-uri 'none'`), because the page is also served for deep links such as
 * `/portal/requests/<id>`.
 */
export interface BuildPortalOptions {
  /** URL path the portal is served under, with both slashes. */
  base?: string;
  outDir?: string;
  minify?: boolean;
}

const root = resolve(import.meta.dirname);

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export async function buildPortal(options: BuildPortalOptions = {}): Promise<{ outDir: string; files: string[] }> {
  const base = options.base ?? '/portal/';
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with "/": ${base}`);
  const outDir = resolve(options.outDir ?? join(root, 'dist'));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });

  const result = await build({
    entryPoints: { app: join(root, 'src/main.tsx') },
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { __PORTAL_BASE__: JSON.stringify(base) },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });

  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (!script || !style) throw new Error(`portal build produced ${outputs.join(', ')}`);

  const favicon = await readFile(join(root, 'src/favicon.svg'));
  await writeFile(join(outDir, 'assets/favicon.svg'), favicon);

  const asset = (file: string) => escapeAttr(`${base}assets/${file}`);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>Approvals</title>
<link rel="icon" type="image/svg+xml" href="${asset('favicon.svg')}">
<link rel="stylesheet" href="${asset(style)}">
<script type="module" src="${asset(script)}"></script>
</head>
<body>
<div id="app"><noscript><p class="noscript">The approvals portal needs JavaScript. Please turn it on and reload the page.</p></noscript></div>
</body>
</html>
`;
  await writeFile(join(outDir, 'index.html'), html);
  return { outDir, files: ['index.html', 'assets/favicon.svg', ...outputs.map((f) => `assets/${f}`)] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const { outDir, files } = await buildPortal({ ...(process.env.PORTAL_BASE ? { base: process.env.PORTAL_BASE } : {}) });
  console.log(`[portal] built ${files.length} files into ${outDir} in ${Date.now() - started} ms`);
}

/** The benchmark's report: one markdown table of ratios against goals, plus detail tables. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';

/** `≤ n×` (at most) or `≥ n×` (at least); null when a figure has no goal. */
export type Goal = { at: 'most' | 'least'; ratio: number } | null;

export interface Row {
  measurement: string;
  figure: string;
  floor: string;
  /** figure ÷ floor; null when it cannot be formed. */
  ratio: number | null;
  goal: Goal;
  note?: string;
}

export interface Section {
  title: string;
  body: string;
}

export const atMost = (ratio: number): Goal => ({ at: 'most', ratio });
export const atLeast = (ratio: number): Goal => ({ at: 'least', ratio });

export function verdict(row: Pick<Row, 'ratio' | 'goal'>): 'ok' | 'over' | 'n/a' {
  if (row.ratio === null || !row.goal || !Number.isFinite(row.ratio)) return 'n/a';
  const ok = row.goal.at === 'most' ? row.ratio <= row.goal.ratio : row.ratio >= row.goal.ratio;
  return ok ? 'ok' : 'over';
}

const goalText = (goal: Goal) => (goal ? `${goal.at === 'most' ? '≤' : '≥'} ${goal.ratio}×` : '—');
const ratioText = (ratio: number | null) => (ratio === null || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`);
const cell = (text: string) => text.replaceAll('|', '\\|');

export function table(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const rule = headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

export function resultsTable(rows: Row[]): string {
  return table(
    ['measurement', 'figure', 'floor', 'ratio', 'goal', 'verdict', 'note'],
    rows.map((r) => [r.measurement, r.figure, r.floor, ratioText(r.ratio), goalText(r.goal), verdict(r), r.note ?? '']),
    ['l', 'r', 'r', 'r', 'l', 'l', 'l'],
  );
}

/** The machine, and how busy it was when the run began (other work skews every figure). */
export function machine(): string {
  const cores = cpus();
  const load = loadavg()[0] ?? 0;
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()}/${arch()}, Node ${process.version}, load average ${load.toFixed(2)} at the start`;
}

export function renderReport(rows: Row[], sections: Section[], meta: { date: Date; seconds: number; machine: string }): string {
  const over = rows.filter((r) => verdict(r) === 'over').length;
  return [
    '# Signoff benchmark',
    '',
    `Run ${meta.date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${meta.machine}; took ${meta.seconds.toFixed(0)} s. ` +
      'Every ratio is measured in the same run against the local stack (`npm run bench`): DynamoDB Local in memory, ' +
      'cognito-local, aws-ses-v2-local, the API Gateway stand-in, all on this machine.',
    '',
    resultsTable(rows),
    '',
    `${over === 0 ? 'Every figure is within its goal.' : `${over} figure(s) over their goal.`}`,
    ...sections.flatMap((s) => ['', `## ${s.title}`, '', s.body]),
    '',
  ].join('\n');
}

export function writeReport(root: string, markdown: string): string {
  const file = join(root, 'docs', 'benchmark.md');
  writeFileSync(file, markdown);
  // Aligned as `biome check` wants it (npm test lints docs too), so a fresh report never fails lint.
  execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { cwd: root, stdio: 'ignore' });
  return file;
}

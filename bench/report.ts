/**
 * Benchmark reports: printed as tables, written as `bench/results/<name>.json`, and combined into
 * `bench/results/summary.json` and `bench/results/summary.md`. Formatting itself is in `format.ts` (pure).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkName } from './cli';
import { REPO_ROOT } from './fixtures';
import { formatGoalLine, formatMarkdownTable, formatTable, goalsTable, type Goal, type Table } from './format';

export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** What one benchmark hands back. `data` holds the raw figures (JSON-serialisable) for later analysis. */
export interface BenchmarkReport {
  readonly name: BenchmarkName;
  readonly title: string;
  /** One paragraph: what is compared with what. */
  readonly description: string;
  readonly tables: readonly Table[];
  readonly goals: readonly Goal[];
  readonly notes: readonly string[];
  readonly data: unknown;
}

/** A report plus when and how long it ran, as written to disk. */
export interface WrittenReport extends BenchmarkReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly quick: boolean;
  readonly environment: Environment;
  /** 1-minute load average before and after the benchmark: above the CPU count, figures are inflated by other work. */
  readonly loadAverage: { readonly before: number; readonly after: number };
}

/** A benchmark that threw: reported, and the run exits non-zero (a MISS never does). */
export interface FailedBenchmark {
  readonly name: BenchmarkName;
  readonly error: string;
}

export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly loadAverage1m: number;
  readonly gitCommit: string;
  readonly gitDirty: boolean;
  readonly onnxruntime: string;
}

function gitOutput(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return '';
  }
}

function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package.json found the way Node resolves it
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** 1-minute load average, rounded. */
export function currentLoad(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** A warning when other work competed for the CPUs during a benchmark. */
export function busyWarning(report: WrittenReport): string | undefined {
  // Only the load before counts: during a benchmark its own processes raise the average.
  const { before } = report.loadAverage;
  const cpuCount = report.environment.cpus;
  if (before <= cpuCount * 0.75) return undefined;
  return (
    `the machine was busy before this benchmark (1-min load average ${before} on ${cpuCount} CPUs): ` +
    'absolute figures are inflated; same-run ratios are still comparable'
  );
}

/** Where the figures were measured (machine load matters: see bench/README.md). */
export function describeEnvironment(): Environment {
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: currentLoad(),
    gitCommit: gitOutput(['rev-parse', '--short', 'HEAD']) || 'unknown',
    gitDirty: gitOutput(['status', '--porcelain']) !== '',
    onnxruntime: packageVersion('onnxruntime-node'),
  };
}

/** Console rendering of one report. */
export function printReport(report: WrittenReport): void {
  const out: string[] = ['', `=== ${report.title} ===`, report.description, ''];
  const busy = busyWarning(report);
  if (busy !== undefined) out.push(`WARNING: ${busy}`, '');
  for (const table of report.tables) out.push(formatTable(table), '');
  if (report.goals.length > 0) {
    out.push('Goals (reported, not enforced):');
    for (const g of report.goals) out.push(`  ${formatGoalLine(g)}`);
    out.push('');
  }
  for (const note of report.notes) out.push(`note: ${note}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export function writeReport(report: WrittenReport): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${report.name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export interface Summary {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly quick: boolean;
  readonly environment: Environment;
  readonly goals: ReadonlyArray<Goal & { benchmark: BenchmarkName }>;
  readonly failed: readonly FailedBenchmark[];
  readonly reports: readonly WrittenReport[];
}

/** `summary.md`: environment, all goals, then every benchmark's tables. */
export function summaryMarkdown(summary: Summary): string {
  const env = summary.environment;
  const out: string[] = [
    '# modelstack benchmark summary',
    '',
    `${summary.quick ? '**Quick smoke run** (short, indicative figures only). ' : ''}Started ${summary.startedAt}, took ${summary.durationSeconds.toFixed(0)} s.`,
    `Node ${env.node}, ${env.platform}, ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB, load average ${env.loadAverage1m} at start; ` +
      `onnxruntime-node ${env.onnxruntime}; commit ${env.gitCommit}${env.gitDirty ? ' (with uncommitted changes)' : ''}.`,
    '',
    'Every figure is compared with a baseline measured in the same run; goals are reported, never enforced. See bench/README.md.',
    '',
  ];
  if (summary.goals.length > 0) {
    out.push(formatMarkdownTable(goalsTable('Goals', summary.goals)), '');
  }
  for (const failed of summary.failed) {
    out.push(`**${failed.name} FAILED**: \`${failed.error.split('\n')[0]}\``, '');
  }
  for (const report of summary.reports) {
    out.push(`## ${report.title}`, '', report.description, '');
    out.push(`Ran ${report.durationSeconds.toFixed(1)} s; 1-min load average ${report.loadAverage.before} before, ${report.loadAverage.after} after.`, '');
    const busy = busyWarning(report);
    if (busy !== undefined) out.push(`> **Warning**: ${busy}`, '');
    for (const table of report.tables) out.push(formatMarkdownTable(table), '');
    for (const note of report.notes) out.push(`> ${note}`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function writeSummary(summary: Summary): { json: string; markdown: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, 'summary.json');
  const markdown = join(RESULTS_DIR, 'summary.md');
  // The full reports are in their own files; the summary keeps their goals and tables.
  const compact = {
    ...summary,
    reports: summary.reports.map(({ data: _data, ...rest }) => rest),
  };
  writeFileSync(json, `${JSON.stringify(compact, null, 2)}\n`);
  writeFileSync(markdown, summaryMarkdown(summary));
  return { json, markdown };
}

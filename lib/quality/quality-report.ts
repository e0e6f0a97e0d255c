/**
 * `modelstack quality-report`, the library side: the quality job's own computation (`computeQualityWindow`) over
 * local folders of captures and ground truth, window by window, checked against the manifest's minimums, and
 * rendered as the evaluation report's HTML with a time axis: each live figure per window against the
 * evaluation's line, the labelled share, and the drift of the features that moved most.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, type Manifest } from '../../lambda/core/manifest';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import { higherIsBetter, isMetricName, metricValue, type Metrics } from '../../lambda/evaluation/metric-names';
import { computeQualityWindow, hourlyWindowsOf, type QualityRecord } from '../../lambda/records/quality-window';
import { localRecordSource, readCaptures, readGroundTruth } from '../../lambda/records/record-reader';
import { EVALUATION_FILE, readEvaluation } from '../evaluation/evaluation-record';
import { renderPage } from '../evaluation/html-report';
import { escapeHtml as e, lineChart, rangeOf, type Point } from '../evaluation/svg-charts';
import { readTrainingProfile } from '../evaluation/profile-file';

/** Features whose PSI is charted: the ones that moved most. */
export const CHARTED_FEATURES = 6;

/** The report: every window's quality record, the evaluation's figures, and the minimums broken. */
export interface QualityReport {
  readonly model: { readonly name: string; readonly version: string };
  readonly windowHours: number;
  readonly minLabelledPredictions: number;
  readonly windows: readonly QualityRecord[];
  /** The committed evaluation's whole-model metrics (`evaluation.json`), when there is one. */
  readonly evaluation?: Metrics;
  /** Each broken minimum, as a sentence naming the window, the metric, its value and the minimum. */
  readonly breaches: readonly string[];
}

/** What a report is made from. */
export interface QualityReportOptions {
  /** The model directory: `model.json`, and `profile.json` and `evaluation.json` when present. */
  readonly modelDir: string;
  /** A folder (or file) of capture JSON Lines. */
  readonly captures: string;
  /** A folder (or file) of ground-truth JSON Lines. */
  readonly groundTruth: string;
  readonly windowHours: number;
  /** Windows with fewer labelled predictions are reported but never judged. */
  readonly minLabelledPredictions: number;
}

/** The captures or ground truth cannot be read; names the path. */
export class QualityReportError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'QualityReportError';
  }
}

function breachesOf(manifest: Manifest, windows: readonly QualityRecord[], minLabelled: number): string[] {
  const out: string[] = [];
  const minimum = manifest.evaluation?.minimum ?? {};
  for (const w of windows) {
    if (w.metrics === undefined || w.labelled < minLabelled) continue;
    const metrics = w.metrics;
    for (const [metric, floor] of Object.entries(minimum)) {
      const value = isMetricName(metric) ? metricValue(metrics, metric) : undefined;
      if (value !== undefined && (higherIsBetter(metric) ? value < floor : value > floor)) {
        out.push(`window ${w.window.start}: ${metric} ${value.toFixed(4)} is ${higherIsBetter(metric) ? 'below' : 'above'} the minimum ${floor} (${w.labelled} labelled predictions)`);
      }
    }
    if (metrics.task !== 'classification') continue;
    for (const [label, floors] of Object.entries(manifest.evaluation?.minimumPerClass ?? {})) {
      for (const [metric, floor] of Object.entries(floors)) {
        const value = (metrics.perClass[label] as unknown as Record<string, number> | undefined)?.[metric];
        if (value !== undefined && value < floor) out.push(`window ${w.window.start}: ${metric} of class "${label}" ${value.toFixed(4)} is below the minimum ${floor} (${w.labelled} labelled predictions)`);
      }
    }
  }
  return out;
}

/** Computes every window of the captures. */
export async function buildQualityReport(options: QualityReportOptions): Promise<QualityReport> {
  for (const [name, path] of [['captures', options.captures], ['ground truth', options.groundTruth]] as const) {
    if (!existsSync(path)) throw new QualityReportError(`the ${name} folder ${path} does not exist`);
  }
  const manifest = await readManifest(join(options.modelDir, 'model.json'));
  const profile = await readTrainingProfile(options.modelDir, manifest);
  const evaluationPath = join(options.modelDir, EVALUATION_FILE);
  const evaluation = existsSync(evaluationPath) ? (await readEvaluation(evaluationPath)).metrics : undefined;
  const captures = (await readCaptures(localRecordSource(options.captures))).map((c) => c.record);
  const groundTruth = await readGroundTruth(localRecordSource(options.groundTruth));
  const windows = hourlyWindowsOf(captures, options.windowHours).map((window) => computeQualityWindow({ manifest, profile, captures, groundTruth, window }));
  return {
    model: { name: manifest.name, version: manifest.version },
    windowHours: options.windowHours,
    minLabelledPredictions: options.minLabelledPredictions,
    windows,
    ...(evaluation === undefined ? {} : { evaluation }),
    breaches: breachesOf(manifest, windows, options.minLabelledPredictions),
  };
}

const hoursSince = (from: string, at: string): number => (Date.parse(at) - Date.parse(from)) / 3_600_000;

function timeChart(report: QualityReport, title: string, yLabel: string, pick: (w: QualityRecord) => number | undefined, level?: number): string {
  const first = report.windows[0].window.start;
  const points: Point[] = report.windows.flatMap((w) => {
    const y = pick(w);
    return y === undefined ? [] : [{ x: hoursSince(first, w.window.start), y }];
  });
  if (points.length === 0) return '';
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...(level === undefined ? [] : [level])];
  return lineChart(points, { title, xLabel: `hours since ${first}`, yLabel, xRange: [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)], yRange: rangeOf(ys), ...(level === undefined ? {} : { level }) });
}

function windowsTable(report: QualityReport, metrics: readonly string[]): string {
  const head = `<tr><th>window start</th><th>predictions</th><th>labelled</th><th>labelled share</th>${metrics.map((m) => `<th>${e(m)}</th>`).join('')}</tr>`;
  const rows = report.windows.map((w) => {
    const cells = metrics.map((m) => {
      const v = w.metrics === undefined || !isMetricName(m) ? undefined : metricValue(w.metrics, m);
      return `<td class="num">${v === undefined ? '' : v.toFixed(4)}</td>`;
    });
    return `<tr><td>${e(w.window.start)}</td><td class="num">${w.predictions}</td><td class="num">${w.labelled}</td><td class="num">${(100 * w.labelledShare).toFixed(1)}%</td>${cells.join('')}</tr>`;
  });
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function driftSection(report: QualityReport): string {
  const features = new Map<string, number>();
  for (const w of report.windows) for (const [f, d] of Object.entries(w.drift ?? {})) features.set(f, Math.max(features.get(f) ?? 0, d.psi ?? d.unseenCategoryShare ?? 0));
  if (features.size === 0) return '';
  const top = [...features].sort((a, b) => b[1] - a[1]).slice(0, CHARTED_FEATURES);
  const charts = top.map(([f]) => timeChart(report, `PSI of ${f}`, 'PSI', (w) => w.drift?.[f]?.psi ?? w.drift?.[f]?.unseenCategoryShare)).join('');
  const rows = [...features].map(([f, max]) => `<tr><td>${e(f)}</td><td class="num">${max.toFixed(4)}</td></tr>`).join('');
  return `<section id="drift"><h2>Feature drift</h2><p>PSI of each numeric feature against its training quantile bins (unseen-category share for categories), per window; the ${top.length} that moved most are charted.</p><div class="charts">${charts}</div><table><thead><tr><th>feature</th><th>largest PSI / unseen share</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The report as a self-contained HTML page. */
export function renderQualityReport(report: QualityReport): string {
  const regression = report.windows.some((w) => w.metrics?.task === 'regression');
  const metrics = regression ? ['mae', 'rmse'] : ['accuracy', 'macroF1'];
  const title = `Live quality of ${report.model.name} ${report.model.version}`;
  const charts = metrics
    .map((m) => timeChart(report, `live ${m} per window`, m, (w) => (w.metrics === undefined || !isMetricName(m) ? undefined : metricValue(w.metrics, m)), report.evaluation === undefined || !isMetricName(m) ? undefined : metricValue(report.evaluation, m)))
    .join('');
  const share = timeChart(report, 'labelled share per window', 'labelled share', (w) => w.labelledShare);
  const verdict = report.breaches.length === 0 ? '<p class="verdict pass">No minimum broken</p>' : `<p class="verdict fail">${report.breaches.length} minimum(s) broken</p><ul>${report.breaches.map((b) => `<li>${e(b)}</li>`).join('')}</ul>`;
  const body = [
    `<h1>${e(title)}</h1>`,
    `<section id="summary"><p>${report.windows.length} windows of ${report.windowHours} h; windows with fewer than ${report.minLabelledPredictions} labelled predictions are shown but not judged. The green dashed line is the committed evaluation's figure.</p>${verdict}</section>`,
    `<section id="live"><h2>Live metrics per window</h2><div class="charts">${charts}${share}</div>${windowsTable(report, metrics)}</section>`,
    driftSection(report),
  ].join('\n');
  return renderPage(title, body, 'Written by modelstack quality-report with the quality job\'s own code: captured predictions joined with ground truth by inference id, scored by the evaluation library.');
}

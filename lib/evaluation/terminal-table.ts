/**
 * The evaluation as plain-text tables for the terminal: the metrics beside the baselines, per-class scores, the
 * confusion matrix, slices, rejected rows and the verdict.
 */
import type { EvaluationRecord } from './evaluation-record';
import { metricsOfTask, metricValue, type Metrics } from './metric-names';
import { describeCheck } from './verdict';

/** A number as the tables show it: 4 significant decimals, integers as they are, missing as "-". */
export function formatNumber(value: number | null | undefined): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The metrics a model of this kind has, in display order. */
export function metricNamesOf(metrics: Metrics): ReturnType<typeof metricsOfTask> {
  return metricsOfTask(metrics.task, metrics.task === 'classification' && metrics.binary !== undefined);
}

/** Every line of the terminal summary. */
export function formatEvaluation(record: EvaluationRecord): string[] {
  const { metrics, baselines } = record;
  const lines: string[] = [
    `${record.model.name} ${record.model.version} (${record.model.task}) on ${record.data.file}: ` +
      `${record.data.evaluatedRows} of ${record.data.rows} rows evaluated`,
    '',
  ];
  const header = ['metric', 'model', 'trivial baseline', ...(baselines.previous === undefined ? [] : ['previous model'])];
  const rows = metricNamesOf(metrics).map((name) => [
    name === record.keyMetric ? `${name} (key)` : name,
    formatNumber(metricValue(metrics, name)),
    formatNumber(metricValue(baselines.trivial.metrics, name)),
    ...(baselines.previous === undefined ? [] : [formatNumber(metricValue(baselines.previous.metrics, name))]),
  ]);
  lines.push(...table(header, rows));
  if (record.positiveLabel !== undefined) {
    lines.push(`positive label: "${record.positiveLabel}" (rocAuc, prAuc and the Brier score are computed for it; set evaluation.positiveLabel to change it)`);
  }
  if (metrics.task === 'regression' && metrics.mapeRowsSkipped > 0) {
    lines.push(`MAPE leaves out ${metrics.mapeRowsSkipped} rows whose target is 0.`);
  }
  if (metrics.task === 'regression' && metrics.perTarget !== undefined) {
    lines.push('(mae, rmse, r2 and mape above are the unweighted means over the targets)', '', ...table(['target', 'mae', 'rmse', 'r2', 'mape'],
      Object.entries(metrics.perTarget).map(([target, t]) => [target, formatNumber(t.mae), formatNumber(t.rmse), formatNumber(t.r2), formatNumber(t.mape)])));
  }
  if (metrics.task === 'classification') {
    lines.push('', ...table(['class', 'precision', 'recall', 'f1', 'support'], [
      ...Object.entries(metrics.perClass).map(([label, s]) => [label, formatNumber(s.precision), formatNumber(s.recall), formatNumber(s.f1), String(s.support)]),
      ['macro avg', formatNumber(metrics.macro.precision), formatNumber(metrics.macro.recall), formatNumber(metrics.macro.f1), String(metrics.rows)],
      ['weighted avg', formatNumber(metrics.weighted.precision), formatNumber(metrics.weighted.recall), formatNumber(metrics.weighted.f1), String(metrics.rows)],
    ]));
    const labels = metrics.confusionMatrix.labels;
    lines.push('', 'confusion matrix (rows: true label, columns: predicted label)');
    lines.push(...table(['', ...labels], metrics.confusionMatrix.matrix.map((row, i) => [labels[i], ...row.map(String)])));
  }
  for (const [column, values] of Object.entries(record.slices)) {
    const names = metricNamesOf(metrics).slice(0, 4);
    lines.push('', `slices by ${column}`);
    lines.push(...table([column, 'rows', ...names], Object.entries(values).map(([value, s]) => [value, String(s.rows), ...names.map((n) => formatNumber(metricValue(s.metrics, n)))])));
  }
  lines.push('', `rejected rows: ${record.rejected.count} (${(record.rejected.share * 100).toFixed(1)} %, at most ${(record.thresholds.maxRejectedShare * 100).toFixed(1)} % allowed)`);
  for (const r of record.rejected.byReason) lines.push(`  ${r.count} x ${r.reason} (lines ${r.exampleLines.join(', ')}${r.count > r.exampleLines.length ? ', ...' : ''})`);
  lines.push('', ...table(['check', 'result'], record.verdict.checks.map((c) => [describeCheck(c), c.passed ? 'pass' : 'FAIL'])));
  lines.push('', record.verdict.passed ? 'verdict: PASS' : `verdict: FAIL (${record.verdict.failures.length} of ${record.verdict.checks.length} checks failed)`);
  return lines;
}

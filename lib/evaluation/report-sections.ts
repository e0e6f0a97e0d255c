/**
 * The sections of the HTML report for one evaluation, each a `<section id="...">` written for a reader who does
 * not know modelstack. Every number is also in a `data-value` attribute at full precision, so a test can check it
 * against `evaluation.json`.
 */
import type { EvaluationRecord } from './evaluation-record';
import { higherIsBetter, metricValue, type MetricName, type Metrics } from './metric-names';
import { bar, escapeHtml as e, heatMap, lineChart, rangeOf, scatterChart } from './svg-charts';
import { formatNumber, metricNamesOf } from './terminal-table';
import { describeCheck } from './verdict';

/** What each metric means, in a sentence. */
export const METRIC_EXPLANATIONS: Readonly<Record<MetricName, string>> = {
  accuracy: 'share of rows whose predicted label is the true label',
  macroPrecision: 'precision averaged over the classes, each class counting the same',
  macroRecall: 'recall averaged over the classes, each class counting the same',
  macroF1: 'F1 (harmonic mean of precision and recall) averaged over the classes, each class counting the same',
  weightedPrecision: 'precision averaged over the classes, weighted by how many rows each has',
  weightedRecall: 'recall averaged over the classes, weighted by how many rows each has',
  weightedF1: 'F1 averaged over the classes, weighted by how many rows each has',
  logLoss: 'mean of -ln(probability given to the true label); 0 is perfect',
  brier: 'mean squared error of the probabilities against the true label (0 to 2)',
  brierPositive: 'mean squared error of the positive-label probability (0 to 1)',
  rocAuc: 'chance that a random positive row is scored above a random negative one (0.5 is guessing)',
  prAuc: 'area under the precision-recall curve (average precision)',
  mae: 'mean absolute error, in the target\'s unit',
  rmse: 'root mean squared error, in the target\'s unit; large errors weigh more',
  r2: 'share of the target\'s variance explained (1 is perfect, 0 is no better than the mean)',
  mape: 'mean absolute error as a fraction of the target (rows with target 0 are left out)',
};

/** A number cell: formatted, with the exact value for machines. */
export function num(value: number | null | undefined, name: string): string {
  const exact = value === undefined || value === null ? '' : String(value);
  return `<td class="num" data-metric="${e(name)}" data-value="${exact}">${formatNumber(value)}</td>`;
}

export function summarySection(record: EvaluationRecord): string {
  const verdict = record.verdict.passed ? '<p class="verdict pass">PASS: every requirement is met.</p>' : `<p class="verdict fail">FAIL: ${record.verdict.failures.length} requirement(s) not met.</p>`;
  return `<section id="summary"><h2>Summary</h2>${verdict}
<dl>
<dt>Model</dt><dd>${e(record.model.name)} ${e(record.model.version)} (${e(record.model.task)})</dd>
<dt>Model file SHA-256</dt><dd><code>${e(record.model.sha256)}</code></dd>
<dt>Data</dt><dd>${e(record.data.file)}: ${record.data.rows} rows, <span data-metric="evaluatedRows" data-value="${record.data.evaluatedRows}">${record.data.evaluatedRows}</span> evaluated, target column <code>${e(record.data.target)}</code></dd>
<dt>Data SHA-256</dt><dd><code>${e(record.data.sha256)}</code></dd>
<dt>Key metric</dt><dd>${e(record.keyMetric)}: ${e(METRIC_EXPLANATIONS[record.keyMetric])}</dd>
<dt>Evaluated</dt><dd>${e(record.createdAt)} by modelstack ${e(record.tool.version)}</dd>
</dl></section>`;
}

export function verdictSection(record: EvaluationRecord): string {
  const rows = record.verdict.checks
    .map((c) => `<tr class="${c.passed ? 'pass' : 'fail'}"><td>${e(describeCheck(c))}</td><td>${c.passed ? 'pass' : 'FAIL'}</td></tr>`)
    .join('');
  return `<section id="verdict"><h2>Requirements</h2>
<p>Each requirement comes from the model's manifest (<code>evaluation</code> in model.json) or is always applied: the model must beat a trivial baseline, and at most the allowed share of rows may be rejected.</p>
<table><thead><tr><th>requirement</th><th>result</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The metrics table with the baselines side by side. */
export function metricsSection(record: EvaluationRecord): string {
  const previous = record.baselines.previous;
  const head = `<tr><th>metric</th><th>this model</th><th>trivial baseline</th>${previous === undefined ? '' : '<th>previous model</th>'}<th>what it means</th></tr>`;
  const rows = metricNamesOf(record.metrics)
    .map((name) => {
      const key = name === record.keyMetric ? ' <span class="key">key</span>' : '';
      return `<tr><td>${e(name)}${key}</td>${num(metricValue(record.metrics, name), name)}${num(metricValue(record.baselines.trivial.metrics, name), `trivial.${name}`)}${
        previous === undefined ? '' : num(metricValue(previous.metrics, name), `previous.${name}`)
      }<td class="explain">${e(METRIC_EXPLANATIONS[name])}${higherIsBetter(name) ? '' : ' (lower is better)'}</td></tr>`;
    })
    .join('');
  const skipped = record.metrics.task === 'regression' && record.metrics.mapeRowsSkipped > 0 ? `<p>MAPE leaves out ${record.metrics.mapeRowsSkipped} rows whose target is 0.</p>` : '';
  const previousNote = previous === undefined ? '' : `<p>Previous model: ${e(previous.source)} (SHA-256 <code>${e(previous.modelSha256)}</code>), evaluated on the same data.</p>`;
  return `<section id="metrics"><h2>Metrics and baselines</h2>
<p>The trivial baseline ${e(record.baselines.trivial.description)} (from ${e(record.baselines.trivial.source)}). A useful model must do better.</p>${previousNote}
<table><thead>${head}</thead><tbody>${rows}</tbody></table>${skipped}</section>`;
}

export function classSections(record: EvaluationRecord): string {
  const m = record.metrics;
  if (m.task !== 'classification') return '';
  const perClass = Object.entries(m.perClass)
    .map(([label, s]) => `<tr><td>${e(label)}</td>${num(s.precision, `${label}.precision`)}${num(s.recall, `${label}.recall`)}${num(s.f1, `${label}.f1`)}${num(s.support, `${label}.support`)}</tr>`)
    .join('');
  const classes = `<section id="per-class"><h2>Per class</h2>
<p>Precision: of the rows predicted as the class, the share that are. Recall: of the rows of the class, the share found. F1: their harmonic mean. Support: rows of the class.</p>
<table><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>${perClass}</tbody></table></section>`;
  const confusion = `<section id="confusion-matrix"><h2>Confusion matrix</h2>
<p>Each row is a true label, each column a predicted label; the diagonal holds the correct predictions. The colour shows the share of the row.</p>
${heatMap(m.confusionMatrix.labels, m.confusionMatrix.matrix)}</section>`;
  const b = m.binary;
  if (b === undefined) return classes + confusion;
  const curves = `<section id="curves"><h2>ROC and precision-recall curves</h2>
<p>Positive label: <strong>${e(b.positiveLabel)}</strong>. The curves show every decision threshold on its probability. ROC AUC ${formatNumber(b.rocAuc)}, PR AUC ${formatNumber(b.prAuc)}.</p>
<div class="charts">${lineChart(b.rocCurve, { title: `ROC curve (AUC ${formatNumber(b.rocAuc)})`, xLabel: 'false positive rate', yLabel: 'true positive rate', reference: 'diagonal' })}${lineChart(b.prCurve, { title: `Precision-recall curve (AP ${formatNumber(b.prAuc)})`, xLabel: 'recall', yLabel: 'precision' })}</div></section>`;
  const bins = b.calibration.map((bin) => `<tr><td>${(bin.bin / 10).toFixed(1)}-${((bin.bin + 1) / 10).toFixed(1)}</td>${num(bin.count, `calibration.${bin.bin}.count`)}${num(bin.meanPredicted, `calibration.${bin.bin}.meanPredicted`)}${num(bin.fractionPositive, `calibration.${bin.bin}.fractionPositive`)}</tr>`).join('');
  const calibration = `<section id="calibration"><h2>Calibration</h2>
<p>Are the probabilities honest? Rows are grouped by predicted probability of <strong>${e(b.positiveLabel)}</strong>; a well-calibrated model lies on the dashed diagonal. Brier score (positive label) ${formatNumber(b.brierPositive)}.</p>
<div class="charts">${lineChart(b.calibration.map((bin) => ({ x: bin.meanPredicted, y: bin.fractionPositive })), { title: 'Reliability curve', xLabel: 'mean predicted probability', yLabel: 'share that is positive', reference: 'diagonal' })}
<table><thead><tr><th>probability</th><th>rows</th><th>mean predicted</th><th>share positive</th></tr></thead><tbody>${bins}</tbody></table></div></section>`;
  return classes + confusion + curves + calibration;
}

export function regressionSection(record: EvaluationRecord): string {
  if (record.metrics.task !== 'regression' || record.points === undefined) return '';
  const points = record.points;
  const range = rangeOf(points.flatMap((p) => [p.actual, p.predicted]));
  const residuals = points.map((p) => ({ x: p.predicted, y: p.actual - p.predicted }));
  const residualRange = rangeOf(residuals.map((p) => p.y));
  return `<section id="regression-plots"><h2>Predicted vs actual, and residuals</h2>
<p>Left: each dot is a row; on the dashed diagonal the prediction is exact. Right: the error (actual minus predicted) against the prediction; a good model scatters evenly around 0.</p>
<div class="charts">${scatterChart(points.map((p) => ({ x: p.actual, y: p.predicted })), { title: 'Predicted vs actual', xLabel: 'actual', yLabel: 'predicted', xRange: range, yRange: range, reference: 'diagonal' })}${scatterChart(residuals, { title: 'Residuals', xLabel: 'predicted', yLabel: 'actual - predicted', xRange: range, yRange: residualRange, reference: 'zero' })}</div></section>`;
}

/** A multi-output regression: each target's figures against the trivial baseline's, and its plots. */
export function targetSections(record: EvaluationRecord): string {
  const m = record.metrics;
  const trivial = record.baselines.trivial.metrics;
  if (m.task !== 'regression' || m.perTarget === undefined) return '';
  const trivialOf = trivial.task === 'regression' ? trivial.perTarget : undefined;
  const names = ['mae', 'rmse', 'r2'] as const;
  const rows = Object.entries(m.perTarget)
    .map(([target, t]) => {
      const base = trivialOf?.[target];
      const cells = names.map((n) => `${num(t[n], `target.${target}.${n}`)}${num(base?.[n], `trivial.target.${target}.${n}`)}`).join('');
      return `<tr><td>${e(target)}</td>${cells}${num(t.mape, `target.${target}.mape`)}</tr>`;
    })
    .join('');
  const head = `<tr><th>target</th>${names.map((n) => `<th>${n}</th><th>${n} (trivial)</th>`).join('')}<th>mape</th></tr>`;
  const plots = Object.entries(record.targetPoints ?? {})
    .map(([target, points]) => {
      const range = rangeOf(points.flatMap((p) => [p.actual, p.predicted]));
      return scatterChart(points.map((p) => ({ x: p.actual, y: p.predicted })), { title: `${target}: predicted vs actual`, xLabel: 'actual', yLabel: 'predicted', xRange: range, yRange: range, reference: 'diagonal' });
    })
    .join('');
  return `<section id="per-target"><h2>Per target</h2>
<p>A multi-output regression: each target's figures, beside the trivial baseline's (its training mean). The metrics table above holds their unweighted means (scikit-learn's <code>multioutput="uniform_average"</code>).</p>
<table><thead>${head}</thead><tbody>${rows}</tbody></table>
<div class="charts">${plots}</div></section>`;
}

function sliceMetricNames(metrics: Metrics): MetricName[] {
  return metrics.task === 'regression' ? ['mae', 'rmse', 'r2'] : ['accuracy', 'macroF1', 'logLoss'];
}

export function slicesSection(record: EvaluationRecord): string {
  const columns = Object.entries(record.slices);
  if (columns.length === 0) return '<section id="slices"><h2>Slices</h2><p>No slices were requested (use <code>--slice-by &lt;column&gt;</code> or <code>evaluation.slices</code> in the manifest).</p></section>';
  const failing = new Set(record.verdict.checks.filter((c) => c.kind === 'slice-minimum' && !c.passed).map((c) => c.subject.split(' on ')[1]));
  const tables = columns.map(([column, values]) => {
    const names = sliceMetricNames(record.metrics);
    const max = Object.fromEntries(names.map((n) => [n, Math.max(...Object.values(values).map((s) => metricValue(s.metrics, n) ?? 0))]));
    const rows = Object.entries(values)
      .map(([value, s]) => {
        const fail = failing.has(`${column}=${value}`);
        const cells = names.map((n) => {
          const v = metricValue(s.metrics, n);
          return `${num(v, `slice.${column}.${value}.${n}`)}<td>${bar(v ?? 0, n === 'r2' ? 1 : max[n], fail)}</td>`;
        });
        return `<tr class="${fail ? 'fail' : ''}"><td>${e(value)}</td>${num(s.rows, `slice.${column}.${value}.rows`)}${cells.join('')}</tr>`;
      })
      .join('');
    return `<h3>By ${e(column)}</h3><table><thead><tr><th>${e(column)}</th><th>rows</th>${names.map((n) => `<th colspan="2">${e(n)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  });
  return `<section id="slices"><h2>Slices</h2><p>Every metric over the rows of each value of a column, to see whether the model is good for every group, not just on average.</p>${tables.join('')}</section>`;
}

export function rejectedSection(record: EvaluationRecord): string {
  const r = record.rejected;
  const rows = r.byReason.map((x) => `<tr><td>${e(x.reason)}</td>${num(x.count, `rejected.${x.reason}`)}<td>${x.exampleLines.join(', ')}</td></tr>`).join('');
  const table = r.count === 0 ? '<p>None: the runtime accepted every row.</p>' : `<table><thead><tr><th>reason</th><th>rows</th><th>example lines</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<section id="rejected"><h2>Rejected rows</h2>
<p>Rows the serving runtime refuses (as it would refuse such a request) are not scored; they are counted here by reason. <span data-metric="rejected.count" data-value="${r.count}">${r.count}</span> of ${record.data.rows} rows (${(r.share * 100).toFixed(1)} %); at most ${(record.thresholds.maxRejectedShare * 100).toFixed(1)} % is allowed.</p>${table}</section>`;
}

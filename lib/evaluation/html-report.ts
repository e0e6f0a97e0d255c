/**
 * The self-contained HTML report: one page, inline CSS and SVG, no scripts, no fonts or images from anywhere.
 * One evaluation gives the full report; several (from `modelstack compare`) give a ranking with the candidates
 * side by side, then each candidate's report.
 */
import type { EvaluationRecord } from './evaluation-record';
import { higherIsBetter, metricValue, type MetricName } from './metric-names';
import { classSections, metricsSection, num, regressionSection, rejectedSection, slicesSection, summarySection, targetSections, verdictSection } from './report-sections';
import { escapeHtml as e } from './svg-charts';
import { metricNamesOf } from './terminal-table';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1b1f24;background:#fff;line-height:1.45}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}h3{font-size:1.05em}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:middle}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.explain{color:#57606a;font-size:.9em}
tr.fail td{background:#ffebe9}tr.pass td:last-child{color:#1a7f37}tr.fail td:last-child{color:#cf222e;font-weight:600}
.verdict{font-size:1.2em;font-weight:700;padding:8px 12px;border-radius:6px;display:inline-block}.verdict.pass{background:#dafbe1;color:#116329}.verdict.fail{background:#ffebe9;color:#a40e26}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{font-weight:600}dd{margin:0}code{font-size:.85em;word-break:break-all}
.key{font-size:.75em;background:#ddf4ff;color:#0969da;border-radius:4px;padding:0 4px}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
svg text{font-family:inherit;font-size:11px;fill:#1b1f24;text-anchor:middle}svg text.end{text-anchor:end}svg .chart-title{font-size:13px;font-weight:600}svg .axis{font-size:12px}
svg .plot{fill:#fff;stroke:#8c959f}svg .ref{stroke:#8c959f;stroke-dasharray:4 3}svg .ref.level{stroke:#1a7f37}svg .line{fill:none;stroke:#0969da;stroke-width:2}svg .dot{fill:#0969da}svg .dot.faint{fill-opacity:.55}
svg .cell{stroke:#fff}svg .count{font-size:13px;font-weight:600}svg .count.light{fill:#fff}
svg.bar .track{fill:#eaeef2}svg.bar .fill{fill:#0969da}svg.bar .fill.fail{fill:#cf222e}
.candidate{border-top:3px solid #0969da;margin-top:36px}
footer{margin-top:36px;color:#57606a;font-size:.85em}
`;

const EVALUATION_FOOTER = 'Written by modelstack. The figures come from the model run by the same code that serves it (batch preparation and prediction of the runtime). The machine-readable version of this report is evaluation.json.';

/** A self-contained page with the report's style: `title`, the body's HTML, and a footer sentence. */
export function renderPage(title: string, body: string, footer: string = EVALUATION_FOOTER): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body>${body}
<footer>${e(footer)}</footer>
</body></html>
`;
}

/** One evaluation's sections, in reading order. */
export function evaluationSections(record: EvaluationRecord): string {
  return [summarySection(record), verdictSection(record), metricsSection(record), classSections(record), regressionSection(record) + targetSections(record), slicesSection(record), rejectedSection(record)].join('\n');
}

/** The candidates sorted best first on `metric` (ties keep their order). */
export function rank(records: readonly EvaluationRecord[], metric: MetricName): EvaluationRecord[] {
  const value = (r: EvaluationRecord) => metricValue(r.metrics, metric) ?? (higherIsBetter(metric) ? -Infinity : Infinity);
  return [...records].sort((a, b) => (higherIsBetter(metric) ? value(b) - value(a) : value(a) - value(b)));
}

function comparisonSection(ranked: readonly EvaluationRecord[], metric: MetricName): string {
  const names = metricNamesOf(ranked[0].metrics);
  const head = `<tr><th>metric</th>${ranked.map((r, i) => `<th>#${i + 1} ${e(r.model.name)} ${e(r.model.version)}</th>`).join('')}<th>trivial baseline</th></tr>`;
  const rows = names
    .map((n) => `<tr><td>${e(n)}${n === metric ? ' <span class="key">ranked by</span>' : ''}</td>${ranked.map((r, i) => num(metricValue(r.metrics, n), `candidate.${i}.${n}`)).join('')}${num(metricValue(ranked[0].baselines.trivial.metrics, n), `trivial.${n}`)}</tr>`)
    .join('');
  const verdicts = `<tr><td>verdict</td>${ranked.map((r) => `<td>${r.verdict.passed ? 'pass' : 'FAIL'}</td>`).join('')}<td></td></tr>`;
  return `<section id="comparison"><h2>Candidates side by side</h2>
<p>${ranked.length} models evaluated on the same data (${e(ranked[0].data.file)}, SHA-256 <code>${e(ranked[0].data.sha256)}</code>), ranked by <strong>${e(metric)}</strong>${higherIsBetter(metric) ? ' (higher is better)' : ' (lower is better)'}.</p>
<table><thead>${head}</thead><tbody>${rows}${verdicts}</tbody></table></section>`;
}

/** The report for one evaluation, or (several) the comparison ranked by `metric` then each candidate. */
export function renderReport(records: readonly EvaluationRecord[], metric?: MetricName): string {
  if (records.length === 0) throw new RangeError('a report needs at least one evaluation');
  if (records.length === 1) {
    const r = records[0];
    return renderPage(`Evaluation of ${r.model.name} ${r.model.version}`, `<h1>Evaluation of ${e(r.model.name)} ${e(r.model.version)}</h1>\n${evaluationSections(r)}`);
  }
  const key = metric ?? records[0].keyMetric;
  const ranked = rank(records, key);
  const candidates = ranked.map((r, i) => `<div class="candidate" id="candidate-${i + 1}"><h2>#${i + 1}: ${e(r.model.name)} ${e(r.model.version)}</h2>${evaluationSections(r).replace(/<section id="/g, `<section id="c${i + 1}-`)}</div>`);
  return renderPage('Model comparison', `<h1>Model comparison</h1>\n${comparisonSection(ranked, key)}\n${candidates.join('\n')}`);
}

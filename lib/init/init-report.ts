/**
 * The report `modelstack init` prints: what it read from the model and the data, a table of the features it
 * guessed, the output, and the list of what the user must review before serving.
 */
import { relative } from 'node:path';
import type { ColumnProfile } from './csv-profile';
import type { InitResult } from './init';
import { describeProbe } from './logits-probe';
import type { SpecFeature, SpecOutput } from './manifest-spec';
import { formatValue } from './onnx-signature';

function round(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return String(Number(value.toPrecision(4)));
}

function policy(feature: SpecFeature): string {
  const missing = feature.missing ?? 'reject';
  if (typeof missing !== 'string') return `constant ${JSON.stringify(missing.constant)}`;
  return missing === 'mean' ? `mean (${round(feature.mean ?? feature.scale?.mean)})` : missing;
}

function range(feature: SpecFeature, column: ColumnProfile | undefined): string {
  if (feature.type === 'category') {
    const values = feature.categories ?? [];
    const shown = values.slice(0, 4).join(', ');
    return `${values.length} values: ${shown}${values.length > 4 ? ', ...' : ''}`;
  }
  return column?.min === undefined ? '' : `${round(column.min)} to ${round(column.max)}`;
}

function featureRow(feature: SpecFeature, column: ColumnProfile | undefined, tensor: string): string[] {
  const type = feature.type === 'category' ? `category/${feature.encoding ?? 'one-hot'}` : feature.type;
  const missing = column === undefined ? '' : `${(column.missingShare * 100).toFixed(1)}%`;
  const spread = column?.mean === undefined || feature.type === 'category' ? '' : `${round(column.mean)} ± ${round(column.std)}`;
  return [feature.name, tensor, type, missing, range(feature, column), spread, policy(feature)];
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function describeOutput(output: SpecOutput): string {
  if ('value' in output) return `value "${output.value}"${output.targets === undefined ? '' : `, targets ${output.targets.join(', ')}`}`;
  if ('logits' in output) return `logits "${output.logits}", activation ${output.activation}, labels ${output.labels.join(', ')}`;
  if ('positiveProbability' in output) return `positiveProbability "${output.positiveProbability}", labels ${output.labels.join(', ')}`;
  return `probabilities "${output.probabilities}", labels ${output.labels.join(', ')}`;
}

/** The report's lines; paths are shown relative to `cwd`. */
export function formatInitReport(result: InitResult, cwd: string): string[] {
  const show = (path: string) => relative(cwd, path) || '.';
  const { signature, profile, features, output, probe } = result;
  const lines = [
    `modelstack init: ${show(result.options.model)}${signature.producer === '' ? '' : ` (${signature.producer})`}`,
    `  inputs:  ${signature.inputs.map((i) => `${i.name} ${formatValue(i)}`).join('; ')}`,
    `  outputs: ${signature.outputs.map((o) => `${o.name} ${formatValue(o)}`).join('; ')}`,
  ];
  for (const r of result.rewritten) {
    lines.push(`  ZipMap:  "${r.zipMapOutput}" removed; the tensor feeding it, "${r.tensor}", is now the output (class labels ${r.classLabels.join(', ')})`);
  }
  if (profile !== undefined && result.options.data !== undefined) {
    lines.push(`  data:    ${show(result.options.data)}, ${profile.rows} rows, ${profile.header.length} columns${result.options.target === undefined ? '' : `, target "${result.options.target}"`}`);
  }
  lines.push(`  layout:  ${features.layout === 'per-column' ? 'one model input per column' : `one [N, ${features.features.length}] input "${features.tensor}" fed by the columns in header order`}`);
  lines.push('');
  const header = ['feature', 'tensor', 'type', 'missing', 'range / values', 'mean ± std', 'if missing'];
  const rows = features.features.map((f) => featureRow(f, profile?.columns.find((c) => c.name === f.name), f.tensor ?? features.tensor ?? ''));
  lines.push(...formatTable([header, ...rows]).map((l) => `  ${l}`));
  lines.push('');
  lines.push(`  task:    ${output.task}`);
  lines.push(`  output:  ${describeOutput(output.output)}`);
  lines.push(`  labels:  from ${output.labelSource}`);
  if (probe !== undefined && output.task !== 'regression') {
    lines.push(`  probe:   "${probe.output}": ${describeProbe(probe)}; ${probe.holdsProbabilities ? 'probabilities' : 'not probabilities'}`);
  }
  if (output.ignoredOutputs.length > 0) lines.push(`  not read: ${output.ignoredOutputs.join(', ')}`);
  lines.push('');
  lines.push(`wrote ${result.written.map(show).join(', ')}`);
  const bounds = features.features.some((f) => f.type === 'number' || f.type === 'integer')
    ? ['no "min"/"max" written: the table shows the training range; add bounds where values outside them must be refused']
    : [];
  const review = [
    ...features.review,
    ...bounds,
    ...output.review,
    'no "evaluation" written: add {"data": "test.csv", "target": ...} with held-out rows to gate deploys on metrics',
  ];
  lines.push('review before serving:');
  lines.push(...review.map((r) => `  - ${r}`));
  return lines;
}

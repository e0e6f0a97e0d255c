/**
 * Ground truth from a CSV file, as `modelstack label` uploads it: one row per prediction, `id` (the prediction's
 * id: the inference id the client got, `<id>#<index>` for an instance of a batch) and its truth:
 * - classification: `label`, one of the manifest's labels;
 * - regression: `value`, a finite number;
 * - multi-output regression: one column per target, named as in `output.targets`, each a finite number (stored as a
 *   JSON array in `output.targets` order, as the quality job's reader takes it).
 * Every row is checked before anything is written: a bad file yields every problem (row, column, value, what is
 * allowed) and no upload. The records are SageMaker's ground-truth format (`lambda/records/record-format.ts`).
 */
import { parseCsvRecords } from '../../lambda/core/csv';
import { formatValue } from '../../lambda/core/issues';
import { regressionTargets, type Manifest } from '../../lambda/core/manifest';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import { INFERENCE_ID_PATTERN, INFERENCE_ID_RULE, PREDICTION_INDEX_SEPARATOR } from '../../lambda/records/record-format';
import type { GroundTruthRecord } from '../../lambda/records/record-format';

/** Problems listed in full before "and N more". */
const MAX_LISTED = 20;

/** A labels file that cannot be uploaded: every problem, by row. */
export class LabelsError extends CheckFailure {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p}`);
    if (problems.length > MAX_LISTED) listed.push(`  - and ${problems.length - MAX_LISTED} more`);
    super(`${source}: nothing was uploaded; ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${listed.join('\n')}`);
    this.name = 'LabelsError';
  }
}

/** A prediction id: an inference id, optionally `#<index>` of a batch instance. */
const PREDICTION_ID = new RegExp(`^${INFERENCE_ID_PATTERN.source.slice(1, -1)}(?:${PREDICTION_INDEX_SEPARATOR}\\d{1,7})?$`);

/** The truth columns the manifest's task takes. */
export function truthColumns(manifest: Manifest): readonly string[] {
  if (manifest.task !== 'regression') return ['label'];
  return regressionTargets(manifest) ?? ['value'];
}

/** The ground-truth records of a labels CSV, checked against the manifest. @throws LabelsError listing every problem */
export function parseGroundTruthCsv(text: string, manifest: Manifest, source: string): GroundTruthRecord[] {
  const { rows, lines } = parseCsvRecords(text);
  const truth = truthColumns(manifest);
  const header = rows[0]?.map((cell) => cell.trim()) ?? [];
  const expected = ['id', ...truth];
  const missing = expected.filter((name) => !header.includes(name));
  if (rows.length === 0 || missing.length > 0) {
    throw new LabelsError(source, [`header (line 1): ${formatValue(header.join(','))} lacks ${missing.map((m) => `"${m}"`).join(', ')}; expected the columns ${expected.join(',')}`]);
  }
  const at = new Map(expected.map((name) => [name, header.indexOf(name)]));
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const records: GroundTruthRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const row = `row ${r} (line ${lines[r]})`;
    if (cells.length === 1 && cells[0].trim() === '') continue;
    const id = (cells[at.get('id') as number] ?? '').trim();
    const before = problems.length;
    if (!PREDICTION_ID.test(id)) problems.push(`${row}, id: ${formatValue(id)}; expected a prediction id: ${INFERENCE_ID_RULE}, optionally followed by #<index> for an instance of a batch`);
    else if (seen.has(id)) problems.push(`${row}, id: ${formatValue(id)} repeats row ${seen.get(id)}; expected one label per prediction`);
    else seen.set(id, r);
    const data = truthOf(manifest, truth, cells, at, row, problems);
    if (problems.length === before && data !== undefined) records.push({ groundTruthData: data, eventMetadata: { eventId: id }, eventVersion: '0' });
  }
  if (problems.length > 0) throw new LabelsError(source, problems);
  if (records.length === 0) throw new LabelsError(source, ['no rows after the header; expected one row per labelled prediction']);
  return records;
}

function truthOf(
  manifest: Manifest,
  truth: readonly string[],
  cells: readonly string[],
  at: ReadonlyMap<string, number>,
  row: string,
  problems: string[],
): GroundTruthRecord['groundTruthData'] | undefined {
  const cell = (name: string): string => (cells[at.get(name) as number] ?? '').trim();
  if (manifest.task !== 'regression') {
    const label = cell('label');
    const labels = manifest.output.labels;
    if (labels.includes(label)) return { data: label, encoding: 'CSV' };
    problems.push(`${row}, label: ${formatValue(label)}; expected one of the model's labels: ${labels.map((l) => `"${l}"`).join(', ')}`);
    return undefined;
  }
  const values: Record<string, number> = {};
  for (const name of truth) {
    const text = cell(name);
    const value = text === '' ? NaN : Number(text);
    if (Number.isFinite(value)) values[name] = value;
    else problems.push(`${row}, ${name}: ${formatValue(text)}; expected a finite number`);
  }
  if (Object.keys(values).length !== truth.length) return undefined;
  // One value: its text, as SageMaker's CSV ground truth; several (multi-output): a JSON array in output.targets order.
  return truth.length === 1 && truth[0] === 'value' ? { data: String(values.value), encoding: 'CSV' } : { data: JSON.stringify(truth.map((t) => values[t])), encoding: 'JSON' };
}

/** The records as one JSON Lines text. */
export function groundTruthJsonLines(records: readonly GroundTruthRecord[]): string {
  return `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
}

/**
 * The Open Inference Protocol's two tensor forms of a batch, validated and written by the same feature rules as
 * the instance form (`prepare.ts`): columns (one tensor per feature) and a matrix (one `[rows, cols]` tensor).
 */
import type { FeatureRules, StringMode } from './feature-rules';
import { formatValue } from './issues';
import { emptyBatch, INSTANCE_FIELD, InvalidInputError, ProblemSink } from './invalid-input';
import type { PreparedBatch } from './types';

/** The value of a cell of a column given as `[[v0], [v1], ...]` (an `[N, 1]` tensor): `v`, else the cell as is. */
function unwrapped(cell: unknown): unknown {
  return Array.isArray(cell) && cell.length === 1 ? (cell[0] as unknown) : cell;
}

/**
 * `{ feature: [v0, v1, ...] }`, all columns the same length; an absent column is missing for every instance.
 * Columns named in `singletonCells` hold one-element arrays (`[[v0], [v1], ...]`, an `[N, 1]` tensor), read in
 * place. Column-level problems have `instance: -1`.
 * @throws InvalidInputError
 */
export function prepareColumns(
  rules: FeatureRules,
  columns: Readonly<Record<string, unknown>>,
  strings: StringMode,
  singletonCells?: ReadonlySet<string>,
): PreparedBatch {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    const allowed = 'an object of columns keyed by feature name';
    throw new InvalidInputError([{ instance: -1, field: 'inputs', value: formatValue(columns), allowed }]);
  }
  const n = rules.featureCount;
  const sink = new ProblemSink();
  // The batch size is the length of the first feature column present; every other column must match it.
  const cols: Array<readonly unknown[] | undefined> = new Array<readonly unknown[] | undefined>(n);
  let count = -1;
  let countFrom = '';
  for (let f = 0; f < n; f++) {
    const name = rules.featureNames[f];
    const column = rules.ownOnly[f] === 1 && !Object.hasOwn(columns, name) ? undefined : columns[name];
    if (column === undefined || column === null) {
      cols[f] = undefined;
      if (rules.rejectMissing[f] === 1) sink.add(-1, name, column, `a column of values (${rules.allowedRequired[f]})`);
    } else if (!Array.isArray(column)) {
      sink.add(-1, name, column, 'an array of values, one per instance');
    } else if (count < 0) {
      count = column.length;
      countFrom = name;
      cols[f] = column;
    } else if (column.length !== count) {
      const allowed = `${count} values, as many as "${countFrom}" has`;
      sink.addRendered(-1, name, `a column of ${column.length} values`, allowed);
    } else {
      cols[f] = column;
    }
  }
  if (rules.rejectUnknown) {
    for (const key of Object.keys(columns)) {
      if (!rules.index.has(key)) sink.add(-1, key, columns[key], rules.unknownAllowed(key));
    }
  }
  sink.throwIfAny();
  if (count <= 0) {
    if (count === 0) throw emptyBatch();
    const allowed = `a column for at least one of the features: ${rules.knownFeatures}`;
    throw new InvalidInputError([{ instance: -1, field: 'inputs', value: 'no feature column', allowed }]);
  }
  const out = rules.allocate(count);
  for (let f = 0; f < n; f++) {
    const column = cols[f];
    if (column === undefined) {
      // Absent column with a fill policy (reject was reported above): every row gets the fill.
      for (let row = 0; row < count; row++) rules.putFill(f, row, out);
    } else if (singletonCells?.has(rules.featureNames[f]) === true) {
      for (let row = 0; row < count; row++) rules.put(f, unwrapped(column[row]), strings, row, out, sink);
    } else {
      for (let row = 0; row < count; row++) rules.put(f, column[row], strings, row, out, sink);
    }
  }
  sink.throwIfAny();
  return rules.finish(out);
}

/**
 * `data` row-major, flat (`rows * cols` values) or nested (`rows` arrays of `cols`); `cols` must equal the number
 * of features.
 * @throws InvalidInputError
 */
export function prepareMatrix(
  rules: FeatureRules,
  data: readonly unknown[] | Float32Array,
  rows: number,
  cols: number,
  strings: StringMode,
): PreparedBatch {
  const n = rules.featureCount;
  const shape = `[${formatValue(rows)}, ${formatValue(cols)}]`;
  if (!Number.isInteger(rows) || rows < 0 || cols !== n) {
    const allowed = `[N, ${n}]: one row per instance, one column per feature (${rules.knownFeatures})`;
    throw new InvalidInputError([{ instance: -1, field: 'shape', value: shape, allowed }]);
  }
  if (rows === 0) throw emptyBatch();
  if (!Array.isArray(data) && !(data instanceof Float32Array)) {
    throw new InvalidInputError([{ instance: -1, field: 'data', value: formatValue(data), allowed: 'an array' }]);
  }
  const nested = Array.isArray(data) && data.length === rows && Array.isArray(data[0]);
  if (!nested && data.length !== rows * n) {
    throw new InvalidInputError([
      {
        instance: -1,
        field: 'data',
        value: `${data.length} values`,
        allowed: `${rows * n} values (shape ${shape}), flat in row-major order or as ${rows} rows of ${n}`,
      },
    ]);
  }
  const out = rules.allocate(rows);
  const sink = new ProblemSink();
  for (let row = 0; row < rows; row++) {
    if (nested) {
      const values: unknown = data[row];
      if (!Array.isArray(values) || values.length !== n) {
        sink.add(row, INSTANCE_FIELD, values, rules.arrayShape);
        continue;
      }
      for (let f = 0; f < n; f++) rules.put(f, values[f], strings, row, out, sink);
    } else {
      for (let f = 0; f < n; f++) rules.put(f, data[row * n + f], strings, row, out, sink);
    }
  }
  sink.throwIfAny();
  return rules.finish(out);
}

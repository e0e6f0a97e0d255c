/**
 * Runs a model on a small probe batch to see whether an output that could hold probabilities does: every value in
 * [0, 1] (tolerance 1e-4) and, for two columns or more, every row summing to 1 (tolerance 1e-3). When it does not,
 * the output is logits and the manifest needs an `activation`.
 */
import { Tensor } from 'onnxruntime-node';
import { createSession } from '../../lambda/core/onnx-session';

/** The tolerances of the runtime's own probability check (the agreed spec). */
export const PROBABILITY_TOLERANCE = 1e-4;
export const ROW_SUM_TOLERANCE = 1e-3;

/** One model input of the probe batch: `rows[r][c]` is column c of row r. */
export interface ProbeFeed {
  readonly name: string;
  readonly elementType: string;
  /** Rank of the model input: 1 for `[N]`, 2 for `[N, W]`. */
  readonly rank: 1 | 2;
  readonly rows: ReadonlyArray<ReadonlyArray<number | string>>;
}

export interface ProbeResult {
  readonly output: string;
  readonly rows: number;
  /** Columns per row (1 for an `[N]` output). */
  readonly width: number;
  readonly min: number;
  readonly max: number;
  /** The sum of each row. */
  readonly rowSums: readonly number[];
  /** Whether every value is in [0, 1] and (width ≥ 2) every row sums to 1, within the tolerances. */
  readonly holdsProbabilities: boolean;
}

function tensorOf(feed: ProbeFeed): Tensor {
  const count = feed.rows.length;
  const width = count === 0 ? 0 : feed.rows[0].length;
  const dims = feed.rank === 1 ? [count] : [count, width];
  const cells = feed.rows.flat();
  switch (feed.elementType) {
    case 'string':
      return new Tensor('string', cells.map(String), dims);
    case 'float64':
      return new Tensor('float64', Float64Array.from(cells, Number), dims);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(cells, (c) => BigInt(Math.round(Number(c)))), dims);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(cells, (c) => (Number(c) ? 1 : 0)), dims);
    default:
      return new Tensor('float32', Float32Array.from(cells, Number), dims);
  }
}

/** Whether `values` (row-major, `width` per row) look like probabilities. */
export function judgeProbabilities(output: string, values: ArrayLike<number>, width: number): ProbeResult {
  const rows = width === 0 ? 0 : Math.floor(values.length / width);
  const all = Array.from(values, Number);
  const rowSums = Array.from({ length: rows }, (_, r) => all.slice(r * width, (r + 1) * width).reduce((s, v) => s + v, 0));
  const min = all.reduce((m, v) => Math.min(m, v), Infinity);
  const max = all.reduce((m, v) => Math.max(m, v), -Infinity);
  const inRange = all.every((v) => v >= -PROBABILITY_TOLERANCE && v <= 1 + PROBABILITY_TOLERANCE);
  const sumsToOne = width < 2 || rowSums.every((s) => Math.abs(s - 1) <= ROW_SUM_TOLERANCE);
  return { output, rows, width, min, max, rowSums, holdsProbabilities: inRange && sumsToOne };
}

/** Runs the model on the probe batch and judges `output`. */
export async function probeOutput(bytes: Uint8Array, feeds: readonly ProbeFeed[], output: string, source = 'model.onnx'): Promise<ProbeResult> {
  const session = await createSession(bytes, {}, source);
  try {
    const results = await session.run(Object.fromEntries(feeds.map((f) => [f.name, tensorOf(f)])), [output]);
    const tensor = results[output];
    const width = tensor.dims.length >= 2 ? Number(tensor.dims[1]) : 1;
    return judgeProbabilities(output, tensor.data as ArrayLike<number>, width);
  } finally {
    await session.release();
  }
}

/** `row 0 sums to 3.8, min -13.6`: what the probe saw, for the report. */
export function describeProbe(probe: ProbeResult): string {
  const round = (v: number) => Number(v.toPrecision(3));
  const sums = probe.width >= 2 ? `row 0 sums to ${round(probe.rowSums[0] ?? NaN)}, ` : '';
  return `${sums}min ${round(probe.min)}, max ${round(probe.max)} over ${probe.rows} probe rows`;
}

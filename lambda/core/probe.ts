/**
 * The probability probe: runs the model once, at load and at synth, on a few instances built from the manifest
 * alone, and refuses a `probabilities` (or `positiveProbability`) output whose values are not probabilities, the
 * usual sign of raw logits declared as probabilities. It also reads the probe's outputs as a request would
 * (`outputs.ts`), so a label tensor with values outside `output.labels` fails here rather than on a request.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { Feature, Manifest } from './manifest';
import { OutputReader } from './outputs';
import { createPreparer } from './prepare';
import type { ModelSignature, PreparedBatch, PreparedTensor } from './types';

/** Values may stray this far outside [0, 1] (float rounding). */
const RANGE_TOLERANCE = 1e-4;
/** A row of probabilities must sum to 1 within this. */
const SUM_TOLERANCE = 1e-3;

/** A number feature's probe values: typical, low, high, all within its bounds. */
function numbersFor(feature: Feature): [number, number, number] {
  const { min, max } = feature;
  const center =
    feature.scale?.mean ??
    feature.mean ??
    (min !== undefined && max !== undefined ? (min + max) / 2 : Math.min(Math.max(0, min ?? 0), max ?? 0));
  const spread = feature.scale?.std ?? 1;
  const clamp = (x: number) => Math.min(Math.max(x, min ?? -Infinity), max ?? Infinity);
  const values: [number, number, number] = [clamp(center), clamp(min ?? center - 2 * spread), clamp(max ?? center + 2 * spread)];
  if (feature.type === 'boolean') return [0, 0, 1];
  if (feature.type === 'integer') {
    const low = Math.ceil(min ?? -Infinity);
    const high = Math.floor(max ?? Infinity);
    return values.map((v) => Math.min(Math.max(Math.round(v), low), high)) as [number, number, number];
  }
  return values;
}

/** Three probe instances from the manifest: each feature typical, low, high (categories: first, first, last). */
export function probeInstances(manifest: Manifest): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [{}, {}, {}];
  for (const feature of manifest.input.features) {
    const values: unknown[] =
      feature.type === 'category'
        ? [feature.categories?.[0], feature.categories?.[0], feature.categories?.at(-1)]
        : numbersFor(feature);
    rows.forEach((row, i) => Object.defineProperty(row, feature.name, { value: values[i], enumerable: true }));
  }
  return rows;
}

function feedsOf(batch: PreparedBatch, manifest: Manifest): Record<string, Tensor> {
  const tensors: readonly PreparedTensor[] = batch.tensors ?? [
    {
      name: manifest.input.tensor ?? '',
      type: 'float32',
      data: batch.data,
      dims: [batch.count, manifest.input.features.length],
    },
  ];
  const feeds: Record<string, Tensor> = {};
  for (const t of tensors) {
    feeds[t.name] =
      t.type === 'string'
        ? new Tensor('string', [...t.data], t.dims)
        : t.type === 'int64'
          ? new Tensor('int64', t.data, t.dims)
          : t.type === 'float64'
            ? new Tensor('float64', t.data, t.dims)
            : new Tensor('float32', t.data, t.dims);
  }
  return feeds;
}

const round = (x: number): number => Number(x.toPrecision(3));

/** Why `values` ([rows, k]) are not probabilities, or undefined when they are. */
function notProbabilities(values: ArrayLike<number>, rows: number, k: number): string | undefined {
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const p = values[row * k + c];
      sum += p;
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    const outside = !(min >= -RANGE_TOLERANCE && max <= 1 + RANGE_TOLERANCE);
    if (outside || (k > 1 && !(Math.abs(sum - 1) <= SUM_TOLERANCE))) {
      return k > 1
        ? `row ${row} sums to ${round(sum)}, min ${round(min)}${max > 1 ? `, max ${round(max)}` : ''}`
        : `row ${row} is ${round(min)}`;
    }
  }
  return undefined;
}

/**
 * Runs the probe batch and names what is wrong with the outputs; empty when nothing is. A probe the manifest's
 * own rules refuse (it never should) is skipped.
 */
export async function probeOutputs(
  session: InferenceSession,
  manifest: Manifest,
  signature: ModelSignature,
): Promise<string[]> {
  let batch: PreparedBatch;
  try {
    batch = createPreparer(manifest, signature).prepare(probeInstances(manifest));
  } catch {
    return [];
  }
  const reader = new OutputReader(manifest);
  let results: InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(feedsOf(batch, manifest), reader.fetches);
  } catch (error) {
    return [`the model fails on a probe batch built from the manifest: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const scores = results[reader.scoresName];
  const label = reader.labelName === undefined ? undefined : results[reader.labelName];
  try {
    if (manifest.task !== 'regression' && manifest.output.logits === undefined) {
      const { output } = manifest;
      const one = output.positiveProbability !== undefined;
      const k = one ? 1 : output.labels.length;
      const why =
        scores.type === 'float32' || scores.type === 'float64'
          ? notProbabilities(scores.data as Float32Array, batch.count, k)
          : undefined;
      if (why !== undefined) {
        const field = one ? 'output.positiveProbability' : 'output.probabilities';
        problems.push(
          `${field}: output "${reader.scoresName}" does not hold probabilities (${why}): declare it as ` +
            `"logits": "${reader.scoresName}" with "activation": "${one ? 'sigmoid' : 'softmax'}"`,
        );
      }
    }
    if (problems.length === 0) {
      try {
        reader.read(scores, label, batch.count);
      } catch (error) {
        problems.push(`${reader.labelName === undefined ? 'output' : 'output.label'}: ${(error as Error).message}`);
      }
    }
  } finally {
    scores.dispose();
    label?.dispose();
  }
  return problems;
}

/**
 * Makes examples/breast-cancer-degraded: the breast-cancer MLP with its weights perturbed by seeded Gaussian
 * noise, the smallest perturbation whose model still passes its own minimums but trails the original on the
 * key metric by more than the evaluation tolerance. It is the "worse candidate" of the gate's tests: a model
 * that looks fine alone and must still be refused against production. Deterministic; run with
 * `npx tsx scripts/make-degraded-example.ts`, and commit the folder it writes.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { evaluateModel } from '../lib/evaluation/evaluate-model';
import { metricValue } from '../lib/evaluation/metric-names';
import { decodeModel } from '../lib/init/onnx-signature';

const ROOT = join(__dirname, '..');
const SOURCE = join(ROOT, 'examples', 'breast-cancer');
const TARGET = join(ROOT, 'examples', 'breast-cancer-degraded');
const SCALES = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7];
const SEEDS = 20;
/** The candidate must trail production by at least this much on the key metric (beyond the tolerance). */
const MARGIN = 0.01;

/** mulberry32: a small seeded generator, so the example is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * next());
}

/** Multiplies every weight matrix (2-D float initializer) by (1 + scale * N(0, 1)); constants and biases stay. */
function perturb(bytes: Uint8Array, scale: number, seed: number): Uint8Array {
  const model = decodeModel(bytes);
  const next = random(seed);
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || tensor.dims?.length !== 2) continue;
    if (tensor.rawData !== undefined && tensor.rawData !== null && tensor.rawData.length > 0) {
      const raw = Buffer.from(tensor.rawData);
      for (let i = 0; i + 4 <= raw.length; i += 4) raw.writeFloatLE(raw.readFloatLE(i) * (1 + scale * gaussian(next)), i);
      tensor.rawData = raw;
    } else if (tensor.floatData !== undefined && tensor.floatData !== null) {
      tensor.floatData = tensor.floatData.map((value) => value * (1 + scale * gaussian(next)));
    }
  }
  return onnx.ModelProto.encode(model).finish();
}

async function main(): Promise<void> {
  const production = await evaluateModel({ modelDir: SOURCE });
  const productionScore = metricValue(production.metrics, production.keyMetric) ?? Number.NaN;
  const original = await readFile(join(SOURCE, 'model.onnx'));
  const manifest = JSON.parse(await readFile(join(SOURCE, 'model.json'), 'utf8')) as Record<string, unknown>;
  await rm(TARGET, { recursive: true, force: true });
  await mkdir(TARGET, { recursive: true });
  for (const file of ['test.csv', 'train.csv']) await copyFile(join(SOURCE, file), join(TARGET, file));
  for (const scale of SCALES) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      await writeFile(join(TARGET, 'model.onnx'), perturb(original, scale, seed));
      const description = `The breast-cancer MLP with every weight multiplied by (1 + ${scale} N(0,1)), seed ${seed} (scripts/make-degraded-example.ts): a deliberately worse candidate for the pipeline's gate tests.`;
      await writeFile(join(TARGET, 'model.json'), `${JSON.stringify({ ...manifest, version: '0.9.0-degraded', description }, null, 2)}\n`);
      const record = await evaluateModel({ modelDir: TARGET });
      const score = metricValue(record.metrics, record.keyMetric) ?? Number.NaN;
      if (record.verdict.passed && score < productionScore - record.thresholds.tolerance - MARGIN) {
        console.log(`scale ${scale}, seed ${seed}: ${record.keyMetric} ${score.toFixed(4)} against production ${productionScore.toFixed(4)}`);
        return;
      }
    }
  }
  throw new Error('no perturbation passed the minimums while trailing production; widen SCALES');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

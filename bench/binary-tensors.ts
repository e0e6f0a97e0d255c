/**
 * Open Inference Protocol binary tensors (the extension tritonclient uses by default): batch 64 sent as one raw
 * little-endian FP32 `[64, 30]` tensor with `binary_data_output`, through `createInferenceApp().handle()`, against
 * bare `session.run` on the same prepared tensor, and against the same batch as v2 JSON; same process, interleaved
 * in rounds after a warm-up.
 */
import { Tensor } from 'onnxruntime-node';
import { parseManifest } from '../lambda/core/manifest';
import { loadModel } from '../lambda/core/model';
import { createPreparer } from '../lambda/core/prepare';
import { createInferenceApp } from '../lambda/serving/app';
import type { HttpRequest } from '../lambda/serving/contract';
import { batchOf, loadExample } from './fixtures';
import { formatNumber, formatRatio, type Table } from './format';
import type { BenchmarkReport } from './report';
import { ratio, scaleSummary, summarize, type Summary } from './stats';
import { interleave, type Variant } from './timing';

export interface BinaryTensorOptions {
  readonly quick: boolean;
}

const EXAMPLE = 'breast-cancer';
const BATCH_SIZE = 64;

function plan(quick: boolean) {
  return quick
    ? { warmupCalls: 300, rounds: 12, callsPerRound: 50, maxSeconds: 4 }
    : { warmupCalls: 1000, rounds: 60, callsPerRound: 100, maxSeconds: 25 };
}

function v2Request(path: string, body: Buffer | string, headerLength?: number): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: headerLength === undefined ? { 'content-type': 'application/json' } : { 'inference-header-content-length': String(headerLength) },
    body,
    requestId: 'bench',
  };
}

export async function runBinaryTensors(options: BinaryTensorOptions): Promise<BenchmarkReport> {
  const example = loadExample(EXAMPLE);
  const manifest = parseManifest(example.manifestJson, example.manifestPath);
  const model = await loadModel({ bytes: example.modelBytes, manifest, source: example.modelPath });
  try {
    const app = createInferenceApp({ model });
    const preparer = createPreparer(model.manifest);
    const rows = batchOf(example.instances, BATCH_SIZE).map((instance) => preparer.featureNames.map((name) => instance[name]));
    const path = `/v2/models/${manifest.name}/infer`;
    const shape = [BATCH_SIZE, preparer.featureCount];
    const tensorBytes = Buffer.from(new Float32Array(rows.flat()).buffer);
    const header = Buffer.from(JSON.stringify({
      inputs: [{ name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: tensorBytes.length } }],
      parameters: { binary_data_output: true },
    }));
    const binary = v2Request(path, Buffer.concat([header, tensorBytes]), header.length);
    const json = v2Request(path, JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', data: rows }] }));
    const prepared = preparer.prepare(rows);
    const feeds = { [model.inputName]: new Tensor('float32', prepared.data, [prepared.count, preparer.featureCount]) };

    for (const [name, request] of [['binary', binary], ['JSON', json]] as const) {
      const answer = await app.handle(request);
      if (answer.status !== 200) throw new Error(`v2 ${name} request answered ${answer.status}: ${String(answer.body).slice(0, 300)}`);
    }
    const variants: Variant[] = [
      { name: 'v2 binary', kind: 'async', fn: () => app.handle(binary) },
      { name: 'bare session.run', kind: 'async', fn: () => model.session.run(feeds) },
      { name: 'v2 JSON', kind: 'async', fn: () => app.handle(json) },
    ];
    const p = plan(options.quick);
    const { samples } = await interleave(variants, p);
    const micros: Record<string, Summary> = {};
    for (const [name, ns] of Object.entries(samples)) micros[name] = scaleSummary(summarize(ns), 1e-3);
    const bare = micros['bare session.run'];
    const table: Table = {
      title: `Batch ${BATCH_SIZE}, v2 binary tensors vs bare session.run, per call (µs)`,
      columns: ['variant', 'body bytes', 'median', 'p90', 'ratio to bare (median)', 'samples'],
      rows: [
        ['bare session.run', '', formatNumber(bare.median), formatNumber(bare.p90), formatRatio(1), String(bare.n)],
        ...(['v2 binary', 'v2 JSON'] as const).map((name) => [
          name,
          String(name === 'v2 binary' ? (binary.body as Buffer).length : Buffer.byteLength(json.body)),
          formatNumber(micros[name].median),
          formatNumber(micros[name].p90),
          formatRatio(ratio(micros[name].median, bare.median)),
          String(micros[name].n),
        ]),
      ],
      notes: ['ratio = handle() / bare session.run on the same prepared tensor, medians measured in the same run'],
    };
    return {
      name: 'binary-tensors',
      title: 'Open Inference Protocol binary tensors (in process, breast-cancer model)',
      description: 'POST /v2/models/{name}/infer with one raw FP32 tensor and binary outputs, versus bare InferenceSession.run and v2 JSON.',
      tables: [table],
      goals: [],
      notes: [`${p.warmupCalls} warm-up calls per variant, up to ${p.rounds} rounds x ${p.callsPerRound} calls (capped at ${p.maxSeconds} s).`],
      data: { example: EXAMPLE, batchSize: BATCH_SIZE, plan: p, micros, binaryRatio: ratio(micros['v2 binary'].median, bare.median), jsonRatio: ratio(micros['v2 JSON'].median, bare.median) },
    };
  } finally {
    await model.close();
  }
}

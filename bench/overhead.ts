/**
 * Runtime overhead: what the serving code adds on top of onnxruntime, in process.
 *
 * End-to-end = `createInferenceApp({ model }).handle({ POST /invocations, JSON body string })` (size check, media
 * type, JSON.parse, envelope, prepare, tensor, session.run, postprocess, JSON.stringify); baseline = bare
 * `session.run` of the same model session on the same prepared tensor. Both, and each stage on its own, are timed
 * call by call, interleaved in rounds, after a warm-up, in the same process.
 */
import { Tensor } from 'onnxruntime-node';
import { createInferenceApp } from '../lambda/serving/app';
import type { HttpRequest } from '../lambda/serving/contract';
import { parseManifest } from '../lambda/core/manifest';
import { loadModel, type OnnxModel } from '../lambda/core/model';
import { createPreparer } from '../lambda/core/prepare';
import { DEFAULT_MAX_BATCH_SIZE } from '../lambda/core/runtime-defaults';
import { DEFAULT_MAX_JSON_OBJECT_KEYS } from '../lambda/serving/bodies';
import { batchOf, invocationBody, loadExample } from './fixtures';
import { formatMicros, formatNumber, formatPercent, formatRatio, formatSigned, goal, type Goal, type Table } from './format';
import type { BenchmarkReport } from './report';
import { ratio, scaleSummary, sharePercent, summarize, type Summary } from './stats';
import { interleave, type Variant } from './timing';

export interface OverheadOptions {
  readonly quick: boolean;
}

const EXAMPLE = 'breast-cancer';
const BATCH_SIZES = [1, 64] as const;
/** Goal: at batch 64, end-to-end within this factor of bare session.run (medians). */
const BATCH64_MAX_RATIO = 1.2;
/** Goal: at batch 1, at most this many microseconds added (median difference). */
const BATCH1_MAX_ADDED_US = 30;

/** Stage names, in request order. */
/** The fast path's limits as /invocations gives them (the bench batches are far below). */
const FAST_LIMITS = { maxInstances: DEFAULT_MAX_BATCH_SIZE, maxObjectKeys: DEFAULT_MAX_JSON_OBJECT_KEYS };
/** Stage names of the general path (JSON.parse + prepare), which the fast path replaces for plain bodies. */
const STAGES = ['JSON.parse', 'prepare', 'tensor + session.run', 'postprocess', 'JSON.stringify'] as const;

interface BatchResult {
  readonly batchSize: number;
  readonly bodyBytes: number;
  readonly rounds: number;
  /** Per-call summaries in microseconds, by variant name (`end-to-end`, `bare session.run`, and the stages). */
  readonly micros: Record<string, Summary>;
  readonly ratioMedian: number;
  readonly ratioP90: number;
  readonly addedMedianUs: number;
  readonly addedP90Us: number;
  /** e2e median minus the sum of the stage medians: routing, checks, promise hops, response object. */
  readonly otherUs: number;
  /**
   * What any JSON-over-HTTP runtime must spend at least: bare session.run + JSON.parse of the request +
   * JSON.stringify of the response (medians). The gap between this and end-to-end is what the runtime can win.
   */
  readonly floorUs: number;
  readonly ratioToFloor: number;
  /** Size of the same batch sent as arrays in feature order. */
  readonly arrayBodyBytes: number;
}

function plan(quick: boolean) {
  return quick
    ? { warmupCalls: 300, rounds: 12, callsPerRound: 50, maxSeconds: 4 }
    : { warmupCalls: 1000, rounds: 60, callsPerRound: 100, maxSeconds: 25 };
}

function request0(body: string): HttpRequest {
  return {
    method: 'POST',
    path: '/invocations',
    headers: { 'content-type': 'application/json' },
    body,
    // A fixed id: otherwise the app generates a UUID only when something asks for one (hooks, 500s).
    requestId: 'bench',
  };
}

async function measureBatch(model: OnnxModel, instances: readonly Record<string, number>[], batchSize: number, quick: boolean): Promise<BatchResult> {
  const app = createInferenceApp({ model });
  const preparer = createPreparer(model.manifest);
  const batch = batchOf(instances, batchSize);
  const body = invocationBody(batch);
  // The same batch as arrays in feature order (also accepted by /invocations): smaller, no keys to parse or look up.
  const arrayBody = JSON.stringify({ instances: batch.map((instance) => preparer.featureNames.map((name) => instance[name])) });
  const arrayRequest = request0(arrayBody);
  const request = request0(body);
  const bodyBytes = Buffer.from(body);
  const bufferRequest = { ...request, body: bodyBytes };
  if (preparer.prepareInstancesJson(bodyBytes, FAST_LIMITS) === undefined) throw new Error('the JSON fast path left the bench body to the general path');

  // Fixed inputs of each stage, computed once (and checked) so each variant times only its own stage.
  const parsed = JSON.parse(body) as { instances: unknown[] };
  const prepared = preparer.prepare(parsed.instances);
  const tensor = new Tensor('float32', prepared.data, [prepared.count, preparer.featureCount]);
  const feeds = { [model.inputName]: tensor };
  const session = model.session;
  const rawOutput = await model.predictRaw(prepared);
  const predictions = model.postprocess(rawOutput, prepared.count);
  const responseObject = { predictions };

  // Correctness first: a 400 would be fast and meaningless.
  const check = await app.handle(request);
  if (check.status !== 200) throw new Error(`end-to-end request answered ${check.status}: ${check.body.toString().slice(0, 500)}`);
  const answered = (JSON.parse(String(check.body)) as { predictions: unknown[] }).predictions;
  if (answered.length !== batchSize) throw new Error(`end-to-end request returned ${answered.length} predictions for ${batchSize}`);
  if (JSON.stringify(answered) !== JSON.stringify(predictions)) {
    throw new Error('end-to-end predictions differ from postprocessing of the bare session output');
  }
  const arrayCheck = await app.handle(arrayRequest);
  if (arrayCheck.body !== check.body) throw new Error(`array-form request answered differently: ${arrayCheck.body.toString().slice(0, 300)}`);
  const bare = await session.run(feeds);
  if (!(model.outputName in bare)) throw new Error(`bare session.run has no output "${model.outputName}"`);

  const variants: Variant[] = [
    { name: 'end-to-end', kind: 'async', fn: () => app.handle(request) },
    { name: 'bare session.run', kind: 'async', fn: () => session.run(feeds) },
    { name: 'end-to-end, array instances', kind: 'async', fn: () => app.handle(arrayRequest) },
    // What `serve` and the container hand the app: the body's bytes.
    { name: 'end-to-end, Buffer body', kind: 'async', fn: () => app.handle(bufferRequest) },
    { name: 'JSON fast path (bytes to batch)', kind: 'sync', fn: () => preparer.prepareInstancesJson(bodyBytes, FAST_LIMITS) },
    { name: 'JSON.parse', kind: 'sync', fn: () => JSON.parse(body) as unknown },
    { name: 'prepare', kind: 'sync', fn: () => preparer.prepare(parsed.instances) },
    {
      name: 'tensor + session.run',
      kind: 'async',
      fn: async () => {
        const out = await model.predictRaw(prepared);
        out.dispose();
        return out;
      },
    },
    { name: 'postprocess', kind: 'sync', fn: () => model.postprocess(rawOutput, prepared.count) },
    { name: 'JSON.stringify', kind: 'sync', fn: () => JSON.stringify(responseObject) },
    // What the timing itself costs per call (two clock readings around nothing).
    { name: 'timer floor', kind: 'sync', fn: () => undefined },
  ];
  const { samples, roundsRun } = await interleave(variants, plan(quick));
  const micros: Record<string, Summary> = {};
  for (const [name, ns] of Object.entries(samples)) micros[name] = scaleSummary(summarize(ns), 1e-3);
  const e2e = micros['end-to-end'];
  const base = micros['bare session.run'];
  const stageSum = STAGES.reduce((sum, stage) => sum + micros[stage].median, 0);
  const floorUs = base.median + micros['JSON.parse'].median + micros['JSON.stringify'].median;
  return {
    batchSize,
    bodyBytes: Buffer.byteLength(body),
    rounds: roundsRun,
    micros,
    ratioMedian: ratio(e2e.median, base.median),
    ratioP90: ratio(e2e.p90, base.p90),
    addedMedianUs: e2e.median - base.median,
    addedP90Us: e2e.p90 - base.p90,
    otherUs: e2e.median - stageSum,
    floorUs,
    ratioToFloor: ratio(e2e.median, floorUs),
    arrayBodyBytes: Buffer.byteLength(arrayBody),
  };
}

function comparisonTable(results: readonly BatchResult[]): Table {
  return {
    title: 'End-to-end handle() vs bare session.run, per call (µs)',
    columns: ['batch', 'bare median', 'bare p90', 'e2e median', 'e2e p90', 'ratio (median)', 'ratio (p90)', 'added (median)', 'added/instance', 'JSON floor', 'e2e / floor', 'samples'],
    rows: results.map((r) => {
      const e2e = r.micros['end-to-end'];
      const base = r.micros['bare session.run'];
      return [
        String(r.batchSize),
        formatNumber(base.median),
        formatNumber(base.p90),
        formatNumber(e2e.median),
        formatNumber(e2e.p90),
        formatRatio(r.ratioMedian),
        formatRatio(r.ratioP90),
        formatSigned(r.addedMedianUs),
        formatSigned(r.addedMedianUs / r.batchSize),
        formatNumber(r.floorUs),
        formatRatio(r.ratioToFloor),
        String(e2e.n),
      ];
    }),
    notes: [
      'ratio = end-to-end / bare (lower is better; 1.00x = no overhead); added = end-to-end median - bare median',
      'JSON floor = bare session.run + JSON.parse(request) + JSON.stringify(response), medians: the least any JSON API over this model spends; e2e / floor shows what the runtime itself adds',
    ],
  };
}

function breakdownTable(r: BatchResult): Table {
  const e2e = r.micros['end-to-end'];
  const row = (name: string, median: number, p90: number | undefined) => [
    name,
    formatNumber(median),
    p90 === undefined ? '' : formatNumber(p90),
    formatPercent(sharePercent(median, e2e.median)),
  ];
  const stageRows = STAGES.map((stage) => row(stage, r.micros[stage].median, r.micros[stage].p90));
  const runMedian = r.micros['tensor + session.run'].median;
  const bare = r.micros['bare session.run'];
  return {
    title: `Where the time goes, batch ${r.batchSize} (${r.bodyBytes} byte body; each stage timed on its own, µs)`,
    columns: ['stage', 'median', 'p90', 'share of e2e'],
    rows: [
      ...stageRows,
      row('  incl. bare session.run', bare.median, bare.p90),
      row('  incl. Tensor + fetches', runMedian - bare.median, undefined),
      row('other (routing, checks, awaits)', r.otherUs, undefined),
      row('end-to-end', e2e.median, e2e.p90),
      row(`end-to-end, instances as arrays (${r.arrayBodyBytes} bytes)`, r.micros['end-to-end, array instances'].median, r.micros['end-to-end, array instances'].p90),
      row('end-to-end, Buffer body (as serve gets it)', r.micros['end-to-end, Buffer body'].median, r.micros['end-to-end, Buffer body'].p90),
      row('JSON fast path: bytes to batch (replaces JSON.parse + prepare)', r.micros['JSON fast path (bytes to batch)'].median, r.micros['JSON fast path (bytes to batch)'].p90),
    ],
    notes: [
      'stages are separate interleaved measurements; "other" = e2e median - sum of stage medians (an estimate, can be slightly off or negative)',
    ],
  };
}

export async function runOverhead(options: OverheadOptions): Promise<BenchmarkReport> {
  const example = loadExample(EXAMPLE);
  const manifest = parseManifest(example.manifestJson, example.manifestPath);
  const model = await loadModel({ bytes: example.modelBytes, manifest, source: example.modelPath });
  try {
    const results: BatchResult[] = [];
    for (const batchSize of BATCH_SIZES) {
      results.push(await measureBatch(model, example.instances, batchSize, options.quick));
    }
    const byBatch = (size: number) => results.find((r) => r.batchSize === size) as BatchResult;
    const goals: Goal[] = [
      goal(
        'overhead.batch64.ratio',
        `batch 64: end-to-end within ${BATCH64_MAX_RATIO}x of bare session.run (median)`,
        byBatch(64).ratioMedian,
        '<=',
        BATCH64_MAX_RATIO,
        'x',
      ),
      goal(
        'overhead.batch1.added',
        `batch 1: at most ${BATCH1_MAX_ADDED_US} µs added to bare session.run (median)`,
        byBatch(1).addedMedianUs,
        '<=',
        BATCH1_MAX_ADDED_US,
        'µs',
      ),
    ];
    const p = plan(options.quick);
    return {
      name: 'overhead',
      title: 'Runtime overhead (in process, breast-cancer model)',
      description:
        'End-to-end request handling through createInferenceApp().handle() with a JSON body string, versus bare ' +
        'InferenceSession.run on the same prepared float32 tensor; same process, interleaved in rounds after a warm-up.',
      tables: [comparisonTable(results), ...results.map(breakdownTable)],
      goals,
      notes: [
        `${p.warmupCalls} warm-up calls per variant, up to ${p.rounds} rounds x ${p.callsPerRound} calls per variant (capped at ${p.maxSeconds} s per batch size); ` +
          `session: ${model.signature.inputs.map((i) => `${i.name} ${i.type} [${i.shape.join(', ')}]`).join(', ')}, 1 intra-op thread (loadModel default).`,
        `Timer floor (empty call): ${formatMicros(byBatch(1).micros['timer floor'].median)} per call, included in every variant alike.`,
      ],
      data: { example: EXAMPLE, plan: p, results },
    };
  } finally {
    await model.close();
  }
}

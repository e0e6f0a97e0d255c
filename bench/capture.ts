/**
 * What capture adds to a request: `createInferenceApp().handle()` of the same `/invocations` body with capture off,
 * and with every request captured (100%, so each timed call pays the whole cost) into the Lambda sink (one line
 * written with a synchronous write to /dev/null: a system call, as a write to the function's stdout pipe is), with
 * and without inputs; interleaved in rounds in one process, as ratios to capture off measured in the same run.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseManifest } from '../lambda/core/manifest';
import { loadModel, type OnnxModel } from '../lambda/core/model';
import { logLineSink } from '../lambda/records/log-line-sink';
import { createInferenceApp } from '../lambda/serving/app';
import type { HttpRequest, InferenceApp } from '../lambda/serving/contract';
import { batchOf, invocationBody, loadExample } from './fixtures';
import { formatNumber, formatRatio, formatSigned, goal, type Goal, type Table } from './format';
import type { BenchmarkReport } from './report';
import { ratio, scaleSummary, summarize, type Summary } from './stats';
import { interleave, type Variant } from './timing';

export interface CaptureBenchOptions {
  readonly quick: boolean;
}

const EXAMPLE = 'breast-cancer';
const BATCH_SIZES = [1, 64] as const;
/** Goal: capture with inputs adds at most this share to a request at batch 64 (medians). */
const BATCH64_MAX_RATIO = 1.1;
/** Goal: at batch 1, capture with inputs adds at most this many microseconds (median difference). */
const BATCH1_MAX_ADDED_US = 15;
const VARIANTS = ['capture off', 'capture on, answers only', 'capture on, inputs and answers'] as const;

interface CaptureResult {
  readonly batchSize: number;
  readonly lineBytes: number;
  readonly micros: Record<string, Summary>;
}

function plan(quick: boolean) {
  return quick ? { warmupCalls: 300, rounds: 12, callsPerRound: 50, maxSeconds: 4 } : { warmupCalls: 1000, rounds: 60, callsPerRound: 100, maxSeconds: 25 };
}

async function measure(model: OnnxModel, instances: readonly Record<string, number>[], batchSize: number, quick: boolean, fd: number): Promise<CaptureResult> {
  let lineBytes = 0;
  const sink = logLineSink({
    write: (text) => {
      lineBytes = text.length;
      writeSync(fd, text);
    },
  });
  const apps: Record<(typeof VARIANTS)[number], InferenceApp> = {
    'capture off': createInferenceApp({ model }),
    'capture on, answers only': createInferenceApp({ model, capture: { samplingPercentage: 100, captureInputs: false, sink } }),
    'capture on, inputs and answers': createInferenceApp({ model, capture: { samplingPercentage: 100, captureInputs: true, sink } }),
  };
  const request: HttpRequest = { method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: invocationBody(batchOf(instances, batchSize)), requestId: 'bench' };
  for (const [name, app] of Object.entries(apps)) {
    const answer = await app.handle(request);
    if (answer.status !== 200) throw new Error(`${name}: answered ${answer.status}: ${String(answer.body).slice(0, 300)}`);
  }
  const variants: Variant[] = VARIANTS.map((name) => ({ name, kind: 'async', fn: () => apps[name].handle(request) }));
  const { samples } = await interleave(variants, plan(quick));
  const micros: Record<string, Summary> = {};
  for (const [name, ns] of Object.entries(samples)) micros[name] = scaleSummary(summarize(ns), 1e-3);
  return { batchSize, lineBytes, micros };
}

function table(results: readonly CaptureResult[]): Table {
  const off = (r: CaptureResult) => r.micros['capture off'];
  return {
    title: 'What capture adds to handle(), per call (µs; every call captured)',
    columns: ['batch', 'variant', 'median', 'p90', 'ratio to off (median)', 'added (median)', 'record bytes'],
    rows: results.flatMap((r) =>
      VARIANTS.map((name) => [
        String(r.batchSize),
        name,
        formatNumber(r.micros[name].median),
        formatNumber(r.micros[name].p90),
        formatRatio(ratio(r.micros[name].median, off(r).median)),
        formatSigned(r.micros[name].median - off(r).median),
        name === 'capture on, inputs and answers' ? String(r.lineBytes) : '',
      ]),
    ),
    notes: ['At a sampling rate of s%, a request adds s% of "added" on average; unsampled requests pay one Math.random().'],
  };
}

export async function runCapture(options: CaptureBenchOptions): Promise<BenchmarkReport> {
  const example = loadExample(EXAMPLE);
  const manifest = parseManifest(example.manifestJson, example.manifestPath);
  const model = await loadModel({ bytes: example.modelBytes, manifest, source: example.modelPath });
  const fd = openSync('/dev/null', 'w');
  try {
    const results: CaptureResult[] = [];
    for (const size of BATCH_SIZES) results.push(await measure(model, example.instances, size, options.quick, fd));
    const at = (size: number) => results.find((r) => r.batchSize === size) as CaptureResult;
    const full = 'capture on, inputs and answers';
    const goals: Goal[] = [
      goal('capture.batch64.ratio', `batch 64: capture of inputs and answers within ${BATCH64_MAX_RATIO}x of capture off (median)`, ratio(at(64).micros[full].median, at(64).micros['capture off'].median), '<=', BATCH64_MAX_RATIO, 'x'),
      goal('capture.batch1.added', `batch 1: capture of inputs and answers adds at most ${BATCH1_MAX_ADDED_US} µs (median)`, at(1).micros[full].median - at(1).micros['capture off'].median, '<=', BATCH1_MAX_ADDED_US, 'µs'),
    ];
    return {
      name: 'capture',
      title: 'Capture cost (in process, breast-cancer model, Lambda sink)',
      description: 'handle() of the same /invocations body with capture off and on (100%), interleaved in rounds in one process.',
      tables: [table(results)],
      goals,
      notes: [`${plan(options.quick).rounds} rounds at most; the sink writes each record as one line to /dev/null with writeSync.`],
      data: { example: EXAMPLE, results },
    };
  } finally {
    closeSync(fd);
    await model.close();
  }
}

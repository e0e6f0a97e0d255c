/**
 * Dynamic batching on real onnxruntime sessions of the committed examples (and the onnx-proto mixed model): the
 * session's own `run` is watched (called through, not replaced) to count the runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicBatchingModel, takesAnyBatch } from '../../../lambda/core/dynamic-batching';
import { loadModel, loadModelFromDirectory, OnnxModel } from '../../../lambda/core/model';
import { createSession } from '../../../lambda/core/onnx-session';
import { describeModel } from '../../../lambda/core/signature';
import { createPreparer } from '../../../lambda/core/prepare';
import type { Preparer } from '../../../lambda/core/prepare';
import type { ClassPrediction, Prediction, PreparedBatch } from '../../../lambda/core/types';
import { MIXED_MANIFEST, mixedModel } from '../../support/mixed-model';
import { EXAMPLES } from '../../support/serving';

interface Subject {
  readonly model: OnnxModel;
  readonly preparer: Preparer;
  readonly instances: readonly unknown[];
}

const subjects = new Map<string, Subject>();

async function subject(name: string, load: () => Promise<OnnxModel>, instances: readonly unknown[]): Promise<void> {
  const model = await load();
  subjects.set(name, { model, preparer: createPreparer(model.manifest, model.signature), instances });
}

function instancesOf(dir: string): unknown[] {
  return (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { instances: unknown[] }).instances;
}

async function fixedBatchModel(): Promise<OnnxModel> {
  const session = await createSession(mixedModel(1), { intraOpNumThreads: 1 }, 'fixed.onnx');
  return new OnnxModel(session, MIXED_MANIFEST, 'not checked', describeModel(session));
}

const MIXED_INSTANCES = [
  { a: 0.5, b: 5, c: 2, s: 'Dream' },
  { a: 1, b: 1, s: null },
  { a: -2, b: 3, c: 7, s: 'Torgersen' },
  { a: 0, b: 0, c: 0, s: 'Biscoe' },
];

beforeAll(async () => {
  await subject('breast-cancer', () => loadModelFromDirectory(join(EXAMPLES, 'breast-cancer')), instancesOf(join(EXAMPLES, 'breast-cancer')));
  await subject('iris', () => loadModelFromDirectory(join(EXAMPLES, 'iris')), instancesOf(join(EXAMPLES, 'iris')));
  await subject(
    'penguins-sklearn',
    () => loadModelFromDirectory(join(EXAMPLES, 'penguins-sklearn', 'served')),
    instancesOf(join(EXAMPLES, 'penguins-sklearn')),
  );
  await subject('mixed', () => loadModel({ bytes: mixedModel(), manifest: MIXED_MANIFEST }), MIXED_INSTANCES);
  // loadModel refuses a fixed batch size against a manifest; the session is made directly, as another host could.
  await subject('mixed, batch fixed at 1', fixedBatchModel, MIXED_INSTANCES);
});

afterAll(async () => {
  for (const { model } of subjects.values()) await model.close();
});

afterEach(() => jest.restoreAllMocks());

function get(name: string): Subject {
  return subjects.get(name) as Subject;
}

/** Batches of 1, 2, 3, ... rows (cycling through the instances), `n` of them. */
function batches(s: Subject, n: number, rows = (i: number) => (i % 3) + 1): PreparedBatch[] {
  return Array.from({ length: n }, (_, i) => {
    const count = rows(i);
    const picked = Array.from({ length: count }, (_, r) => s.instances[(i + r) % s.instances.length]);
    return s.preparer.prepare(picked);
  });
}

/** What each batch gets when it runs alone on the model. */
async function alone(s: Subject, list: readonly PreparedBatch[]): Promise<Prediction[][]> {
  const out: Prediction[][] = [];
  for (const batch of list) out.push(await s.model.predict(batch));
  return out;
}

/** The same labels, and probabilities equal within a float32 rounding (relative 1e-6). */
function expectWithinRounding(answers: Prediction[][], expected: Prediction[][]): void {
  expect(answers.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  answers.forEach((answer, i) =>
    answer.forEach((prediction, r) => {
      const want = expected[i][r] as ClassPrediction;
      const got = prediction as ClassPrediction;
      expect(got.label).toBe(want.label);
      for (const [label, p] of Object.entries(want.probabilities)) {
        expect(Math.abs(got.probabilities[label] - p)).toBeLessThanOrEqual(Math.max(Math.abs(p), 1e-3) * 1e-6);
      }
    }),
  );
}

describe('Given a model whose inputs take any number of rows', () => {
  // penguins-sklearn's matrix product sums in another order in a bigger batch: its rows may differ in the last bit.
  it.each([
    ['breast-cancer', 'bit-identical'],
    ['iris', 'bit-identical'],
    ['penguins-sklearn', 'within a float32 rounding'],
    ['mixed', 'bit-identical'],
  ] as const)(
    'When %s gets 12 predictions at once (1 to 3 rows each), then they share one run and each gets its own rows, %s',
    async (name, sameness) => {
      const s = get(name);
      const list = batches(s, 12);
      const expected = await alone(s, list);
      const batching = new DynamicBatchingModel(s.model, { maxRows: 1000 });
      const run = jest.spyOn(s.model.session, 'run');
      const answers = await Promise.all(list.map((batch) => batching.predict(batch)));
      // Asked for in one event-loop turn: one run, where the first would have run alone.
      expect(run).toHaveBeenCalledTimes(1);
      if (sameness === 'bit-identical') expect(answers).toEqual(expected);
      else expectWithinRounding(answers, expected);
      expect(batching.stats()).toEqual({ requests: 12, runs: 1 });
    },
  );

  it('When predictions arrive one after the other, then each runs alone', async () => {
    const s = get('breast-cancer');
    const batching = new DynamicBatchingModel(s.model, { maxRows: 1000 });
    const list = batches(s, 3);
    for (const batch of list) await batching.predict(batch);
    expect(batching.stats()).toEqual({ requests: 3, runs: 3 });
  });

  it('When the waiting rows exceed maxRows, then no run holds more than maxRows rows', async () => {
    const s = get('breast-cancer');
    const batching = new DynamicBatchingModel(s.model, { maxRows: 4 });
    const list = batches(s, 9, () => 2);
    const run = jest.spyOn(s.model.session, 'run');
    const answers = await Promise.all(list.map((batch) => batching.predict(batch)));
    // 9 requests of 2 rows in runs of at most 4 rows (the feeds are filled when each run starts).
    expect(run.mock.calls.map(([feeds]) => Object.values(feeds)[0].dims[0])).toEqual([4, 4, 4, 4, 2]);
    expect(answers).toEqual(await alone(s, list));
  });

  it('When one request of a shared run makes it fail, then the others still get their predictions and it gets its own error', async () => {
    const s = get('mixed');
    const good = batches(s, 4);
    const tensors = good[1].tensors ?? [];
    // Claims one row but carries two in its first input: onnxruntime refuses the shared run, and this request alone.
    const bad: PreparedBatch = { ...good[1], count: 1, tensors: tensors.map((t) => ({ ...t, dims: [1, ...t.dims.slice(1)] })) };
    const ownError = await s.model.predict(bad).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ownError).toBeInstanceOf(Error);
    const batching = new DynamicBatchingModel(s.model, { maxRows: 1000 });
    const list = [good[0], good[2], bad, good[3]];
    const settled = await Promise.allSettled(list.map((batch) => batching.predict(batch)));
    const expected = await alone(s, [good[0], good[2], good[3]]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect([settled[0], settled[1], settled[3]].map((r) => (r as PromiseFulfilledResult<Prediction[]>).value)).toEqual(expected);
    expect((settled[2] as PromiseRejectedResult).reason).toEqual(ownError);
    // The shared run that failed, then each of its 4 requests alone.
    expect(batching.stats()).toEqual({ requests: 4, runs: 5 });
  });

  it('When a request does not agree with the others on its inputs, then it runs apart and each still gets its answer', async () => {
    const s = get('breast-cancer');
    const list = batches(s, 4);
    // 31 values for one row of a 30-feature model: not the same width as the others, so never concatenated with them.
    const odd: PreparedBatch = { data: new Float32Array(31), count: 1 };
    const batching = new DynamicBatchingModel(s.model, { maxRows: 1000 });
    const settled = await Promise.allSettled([...list, odd].map((batch) => batching.predict(batch)));
    expect(settled.slice(0, 4).map((r) => (r as PromiseFulfilledResult<Prediction[]>).value)).toEqual(await alone(s, list));
    expect((settled[4] as PromiseRejectedResult).reason).toEqual(new RangeError('batch has 31 values for 1 instances; expected 1 x 30 features'));
  });
});

describe('Given a model whose inputs have a fixed first dimension', () => {
  it('When it gets predictions at once, then it is never batched: one run per request', async () => {
    const s = get('mixed, batch fixed at 1');
    expect(takesAnyBatch(s.model.signature)).toBe(false);
    const batching = new DynamicBatchingModel(s.model, { maxRows: 1000 });
    expect(batching.batching).toBe(false);
    const list = batches(s, 5, () => 1);
    const run = jest.spyOn(s.model.session, 'run');
    const answers = await Promise.all(list.map((batch) => batching.predict(batch)));
    expect(run).toHaveBeenCalledTimes(5);
    expect(answers).toEqual(await alone(s, list));
  });
});

describe('Given OnnxModel.predictLater', () => {
  it('When the batch is decided, then it runs as predict would, in the same turn', async () => {
    const s = get('iris');
    const [batch] = batches(s, 1, () => 3);
    expect(await s.model.predictLater(() => batch)).toEqual(await s.model.predict(batch));
  });

  it('When the decided batch does not fit the model, then it rejects with the error predict gives', async () => {
    const s = get('breast-cancer');
    const odd: PreparedBatch = { data: new Float32Array(31), count: 1 };
    const alone = await s.model.predict(odd).catch((error: unknown) => error);
    await expect(s.model.predictLater(() => odd)).rejects.toEqual(alone);
  });

  it('When deciding fails, then it rejects with that error', async () => {
    const failure = new Error('no batch');
    await expect(get('iris').model.predictLater(() => { throw failure; })).rejects.toBe(failure);
  });
});

describe('Given model signatures', () => {
  const input = (shape: ReadonlyArray<number | string>) => ({ name: 'x', type: 'float32', shape });
  it.each([
    [['batch', 4], true],
    [[], true],
    [[1, 4], false],
    [[8], false],
  ] as const)('When an input has shape %p, then takesAnyBatch is %p', (shape, expected) => {
    expect(takesAnyBatch({ inputs: [input(['N']), input(shape)], outputs: [] })).toBe(expected);
  });
});

describe('Given the wrapped model', () => {
  it('When it is asked what it is, then it answers as the model it wraps, and closing it closes that model', async () => {
    const model = await loadModelFromDirectory(join(EXAMPLES, 'iris'));
    const batching = new DynamicBatchingModel(model, { maxRows: 10 });
    expect([batching.manifest, batching.sha256, batching.signature]).toEqual([model.manifest, model.sha256, model.signature]);
    await batching.close();
    expect(() => model.session).toThrow(/closed/);
  });
});

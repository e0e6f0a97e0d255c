import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { prepareCsv } from '../../../lambda/core/csv';
import { readManifest, type Manifest } from '../../../lambda/core/manifest';
import type {
  OnnxModel} from '../../../lambda/core/model';
import {
  ModelIntegrityError,
  ModelLoadError,
  ModelMismatchError,
  ModelSourceError,
  loadModel,
  loadModelFromDirectory,
} from '../../../lambda/core/model';
import { createPreparer } from '../../../lambda/core/prepare';
import type { ClassPrediction, Prediction, ValuePrediction } from '../../../lambda/core/types';


const EXAMPLES = join(__dirname, '../../../examples');
const NAMES = ['breast-cancer', 'iris', 'diabetes'] as const;

interface Expected {
  readonly instances: Record<string, number>[];
  readonly float32Predictions: Prediction[];
}

function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'expected.json'), 'utf8')) as Expected;
}

function modelBytes(name: string): Uint8Array {
  return readFileSync(join(EXAMPLES, name, 'model.onnx'));
}

/** Compares within 1e-5: absolute for probabilities, relative for regression values. */
function expectClose(actual: Prediction[], expected: Prediction[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((want, i) => {
    const got = actual[i];
    if ('value' in want) {
      const value = (got as ValuePrediction).value;
      expect(Math.abs(value - want.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.value)));
    } else if ('values' in want) {
      const values = (got as { values: Record<string, number> }).values;
      expect(Object.keys(values)).toEqual(Object.keys(want.values));
      for (const [target, v] of Object.entries(want.values)) {
        expect(Math.abs(values[target] - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v)));
      }
    } else {
      const { label, probabilities } = got as ClassPrediction;
      expect(label).toBe(want.label);
      expect(Object.keys(probabilities)).toEqual(Object.keys(want.probabilities));
      for (const [name, p] of Object.entries(want.probabilities)) {
        expect(Math.abs(probabilities[name] - p)).toBeLessThanOrEqual(1e-5);
      }
    }
  });
}

describe.each(NAMES)('the %s example, on real onnxruntime', (name) => {
  let model: OnnxModel;
  const expected = readExpected(name);

  beforeAll(async () => {
    model = await loadModelFromDirectory(join(EXAMPLES, name));
  });
  afterAll(async () => {
    await model.close();
  });

  it('predicts what the exporter measured (float32Predictions, within 1e-5)', async () => {
    const batch = createPreparer(model.manifest).prepare(expected.instances);
    expectClose(await model.predict(batch), expected.float32Predictions);
  });

  it('gives the same predictions one instance at a time, concurrently, as in one batch', async () => {
    const preparer = createPreparer(model.manifest);
    const single = await Promise.all(expected.instances.map((instance) => model.predict(preparer.prepare([instance]))));
    expectClose(single.flat(), expected.float32Predictions);
  });

  it('predicts from the CSV body of test.csv (header with target column, extra column ignored)', async () => {
    const manifest: Manifest = { ...model.manifest, input: { ...model.manifest.input, unknownFields: 'ignore' } };
    const text = readFileSync(join(EXAMPLES, name, 'test.csv'), 'utf8');
    const predictions = await model.predict(prepareCsv(text, createPreparer(manifest)));
    expectClose(predictions.slice(0, expected.float32Predictions.length), expected.float32Predictions);
  });

  it('reports the SHA-256 of its bytes and the model signature', () => {
    expect(model.sha256).toBe(createHash('sha256').update(modelBytes(name)).digest('hex'));
    expect(model.signature.inputs).toEqual([{ name: 'input', type: 'float32', shape: ['batch', model.featureCount] }]);
  });

  it('exposes the raw output tensor and the session for benchmarks', async () => {
    const batch = createPreparer(model.manifest).prepare(expected.instances.slice(0, 3));
    const raw = await model.predictRaw(batch);
    expect(raw.dims[0]).toBe(3);
    expect(model.session.inputNames).toEqual(['input']);
    const bare = await model.session.run({ input: new Tensor('float32', batch.data, [3, model.featureCount]) });
    expect(Array.from(bare[model.outputName].data as Float32Array)).toEqual(Array.from(raw.data as Float32Array));
  });
});

describe('loadModel', () => {
  let manifest: Manifest;
  let bytes: Uint8Array;
  let sha256: string;

  beforeAll(async () => {
    manifest = await readManifest(join(EXAMPLES, 'iris', 'model.json'));
    bytes = modelBytes('iris');
    sha256 = createHash('sha256').update(bytes).digest('hex');
  });
  afterEach(() => jest.restoreAllMocks());

  it('accepts the right SHA-256, in any case', async () => {
    const model = await loadModel({ bytes, manifest, expectedSha256: sha256.toUpperCase(), threads: 2 });
    expect(model.sha256).toBe(sha256);
    await model.close();
  });

  it("keeps a thread pool's threads from spinning between runs; one thread has no pool; the caller's options win", async () => {
    const create = jest.spyOn(InferenceSession, 'create');
    const optionsOf = (call: number) => create.mock.calls[call][1] as InferenceSession.SessionOptions;
    for (const options of [{ threads: 2 }, {}, { threads: 2, sessionOptions: { extra: { session: { intra_op: { allow_spinning: '1' } } } } }]) {
      await (await loadModel({ bytes, manifest, ...options })).close();
    }
    expect(optionsOf(0)).toMatchObject({ intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } });
    expect(optionsOf(1)).toMatchObject({ intraOpNumThreads: 1 });
    expect(optionsOf(1).extra).toBeUndefined();
    expect(optionsOf(2).extra).toEqual({ session: { intra_op: { allow_spinning: '1' } } });
  });

  it('refuses bytes whose SHA-256 differs, before creating any session', async () => {
    const create = jest.spyOn(InferenceSession, 'create');
    const wrong = 'f'.repeat(64);
    const error = await loadModel({ bytes, manifest, expectedSha256: wrong, source: 's3://models/iris.onnx' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelIntegrityError);
    expect((error as Error).message).toBe(
      `Model integrity check failed for s3://models/iris.onnx: expected SHA-256 ${wrong} but the bytes read have SHA-256 ${sha256}. The model will not be served.`,
    );
    expect(error).toMatchObject({ expectedSha256: wrong, actualSha256: sha256, source: 's3://models/iris.onnx' });
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses a malformed expected SHA-256 as a configuration error', async () => {
    await expect(loadModel({ bytes, manifest, expectedSha256: 'abc' })).rejects.toThrow(
      'expectedSha256 for model.onnx must be 64 hex digits (got "abc")',
    );
  });

  it('refuses a manifest that does not fit the model, and releases the session', async () => {
    // onnxruntime types InferenceSession as a factory, but at run time it is a class whose sessions share this prototype.
    const sessions = InferenceSession as unknown as { prototype: Pick<InferenceSession, 'release'> };
    const release = jest.spyOn(sessions.prototype, 'release');
    const cancer = await readManifest(join(EXAMPLES, 'breast-cancer', 'model.json'));
    const error = await loadModel({ bytes, manifest: cancer, source: 'iris.onnx' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelMismatchError);
    expect((error as ModelMismatchError).problems).toEqual([
      'input.features: 30 features listed but the model\'s input "input" takes 4',
      'output.labels: 2 labels listed but the model\'s output "probabilities" has 3 columns',
    ]);
    expect((error as Error).message).toBe(
      [
        'The manifest does not fit the model iris.onnx:',
        '  - input.features: 30 features listed but the model\'s input "input" takes 4',
        '  - output.labels: 2 labels listed but the model\'s output "probabilities" has 3 columns',
      ].join('\n'),
    );
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('refuses bytes that are not a model', async () => {
    await expect(loadModel({ bytes: new Uint8Array(10), manifest, source: 'empty.onnx' })).rejects.toThrow(ModelLoadError);
  });

  it('checks the batch against the feature count, and refuses to predict once closed', async () => {
    const model = await loadModel({ bytes, manifest });
    await expect(model.predict({ data: new Float32Array(7), count: 2 })).rejects.toThrow(
      'batch has 7 values for 2 instances; expected 2 x 4 features',
    );
    await expect(model.predict({ data: new Float32Array(0), count: 0 })).rejects.toThrow(RangeError);
    await model.close();
    await model.close();
    await expect(model.predict({ data: new Float32Array(4), count: 1 })).rejects.toThrow('model iris is closed');
  });

  it('predicts a large batch as one tensor', async () => {
    const model = await loadModel({ bytes, manifest });
    const run = jest.spyOn(model.session, 'run');
    const instances = Array.from({ length: 1000 }, (_, i) => [5 + (i % 3), 3, 1 + (i % 5), 0.2 + (i % 2)]);
    const predictions = await model.predict(createPreparer(manifest).prepare(instances));
    expect(predictions).toHaveLength(1000);
    expect(run).toHaveBeenCalledTimes(1);
    for (const p of predictions as ClassPrediction[]) {
      expect(manifest.task !== 'regression' && manifest.output.labels).toContain(p.label);
      expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    await model.close();
  });
});

describe('loadModelFromDirectory', () => {
  it('names the missing file', async () => {
    const error = await loadModelFromDirectory(join(EXAMPLES, 'iris', 'nowhere')).catch((e: unknown) => e);
    expect((error as Error).message).toContain('nowhere/model.json');
  });

  it('verifies the expected SHA-256 when given', async () => {
    await expect(loadModelFromDirectory(join(EXAMPLES, 'iris'), { expectedSha256: '0'.repeat(64) })).rejects.toThrow(
      ModelIntegrityError,
    );
  });

  it('re-exports ModelSourceError for callers of the model core', () => {
    expect(new ModelSourceError('x', 'y')).toBeInstanceOf(Error);
  });
});

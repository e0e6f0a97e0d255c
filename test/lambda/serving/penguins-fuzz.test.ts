/**
 * Property tests over HTTP for the two penguin models (category strings, several tensors, passthrough missing
 * values, a label tensor): whatever JSON or CSV a client sends gets a 200 or a 400, never a 500.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { loadModelFromDirectory, type OnnxModel } from '../../../lambda/core/model';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { InferenceApp } from '../../../lambda/serving/contract';
import { EXAMPLES, request } from '../../support/serving';

const MODELS = { 'penguins-lightgbm': 'penguins-lightgbm', 'penguins-sklearn': 'penguins-sklearn/served' } as const;
type Name = keyof typeof MODELS;
const models = new Map<Name, OnnxModel>();
const apps = new Map<Name, InferenceApp>();

beforeAll(async () => {
  for (const [name, dir] of Object.entries(MODELS) as Array<[Name, string]>) {
    const model = await loadModelFromDirectory(join(EXAMPLES, dir));
    models.set(name, model);
    apps.set(name, createInferenceApp({ model }));
  }
});
afterAll(async () => {
  for (const model of models.values()) await model.close();
});

const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island', 'sex'];
const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom('Biscoe', 'Dream', 'Torgersen', 'female', 'male', '', ' ', '3.5', 'NaN', null, true, [], {}),
  fc.string(),
  fc.jsonValue(),
);
const instance = fc.oneof(
  fc.record(Object.fromEntries(FEATURES.map((f) => [f, value])), { requiredKeys: [] }),
  fc.array(value, { maxLength: 7 }),
  fc.jsonValue(),
);
const tensor = fc.record(
  {
    name: fc.oneof(fc.constantFrom(...FEATURES, 'input'), fc.string()),
    shape: fc.oneof(fc.constant([2]), fc.constant([2, 1]), fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), fc.jsonValue()),
    datatype: fc.oneof(fc.constantFrom('FP32', 'FP64', 'INT64', 'BYTES', 'BOOL'), fc.jsonValue()),
    data: fc.oneof(fc.array(value, { maxLength: 3 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

describe.each(Object.keys(MODELS) as Name[])('%s: any request gets 200 or 400, never a 500', (name) => {
  const app = () => apps.get(name) as InferenceApp;
  const expectClientOutcome = async (path: string, body: string, type = 'application/json') => {
    const response = await app().handle(request('POST', path, body, type));
    if (response.status !== 200 && response.status !== 400) throw new Error(`${response.status} for ${body}: ${response.body.toString()}`);
  };

  it('JSON instances', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(instance, { minLength: 1, maxLength: 5 }), fc.jsonValue()), async (instances) => {
        await expectClientOutcome('/invocations', JSON.stringify({ instances }));
      }),
      { numRuns: 300 },
    );
  });

  it('CSV bodies', async () => {
    const cell = fc.oneof(fc.constantFrom('Biscoe', 'male', '', '40.1', 'NaN', '"q"', '1e999'), fc.string({ maxLength: 6 }));
    const row = fc.array(cell, { minLength: 1, maxLength: 8 }).map((cells) => cells.join(','));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(row, { minLength: 1, maxLength: 5 }), async (header, rows) => {
        await expectClientOutcome('/invocations', `${header ? `${FEATURES.join(',')}\n` : ''}${rows.join('\n')}`, 'text/csv');
      }),
      { numRuns: 300 },
    );
  });

  it('Open Inference Protocol tensors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(tensor, { minLength: 1, maxLength: 6 }), fc.jsonValue()), async (inputs) => {
        await expectClientOutcome(`/v2/models/${name}/infer`, JSON.stringify({ inputs }));
      }),
      { numRuns: 300 },
    );
  });
});

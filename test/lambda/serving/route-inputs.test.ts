/**
 * What a prediction route keeps of a request while the model runs (lambda/serving/invocations.ts, open-inference.ts):
 * the validated inputs only when capture keeps them (`RouteContext.keepsInputs`); otherwise nothing of the parsed body,
 * so that under load the parsed JSON of requests in flight is short-lived garbage rather than promoted to the old
 * generation. The answers are the same either way.
 */
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES } from '../../../lambda/core/runtime-config';
import type { HttpResponse } from '../../../lambda/serving/contract';
import { invocations } from '../../../lambda/serving/invocations';
import { infer } from '../../../lambda/serving/open-inference';
import type { RequestState, RouteContext } from '../../../lambda/serving/route-context';
import { buildCatalog } from '../../../lambda/serving/router';
import { serveModel } from '../../../lambda/serving/served-model';
import { IRIS_INSTANCE, model, request, useExampleModels } from '../../support/serving';

useExampleModels();

function context(keepsInputs: boolean): RouteContext {
  const iris = model('iris');
  const served = serveModel(iris, buildCatalog(iris.manifest));
  return { limits: { maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxBatchSize: DEFAULT_MAX_BATCH_SIZE }, keepsInputs, ready: () => served };
}

function newState(): RequestState {
  return { requestId: 'r-1', predictions: undefined, problemCount: undefined };
}

const INVOCATION = JSON.stringify({ instances: [IRIS_INSTANCE] });
const V2 = JSON.stringify({
  inputs: Object.entries(IRIS_INSTANCE).map(([name, value]) => ({ name, shape: [1], datatype: 'FP32', data: [value] })),
});

type Route = (state: RequestState, keepsInputs: boolean) => Promise<HttpResponse>;
const ROUTES: ReadonlyArray<[string, Route]> = [
  ['POST /invocations (JSON)', (state, keeps) => invocations(request('POST', '/invocations', INVOCATION), context(keeps), state)],
  ['POST /invocations (CSV)', (state, keeps) => invocations(request('POST', '/invocations', '5.1,3.5,1.4,0.2', 'text/csv'), context(keeps), state)],
  ['POST /v2/models/iris/infer', (state, keeps) => infer(request('POST', '/v2/models/iris/infer', V2), context(keeps), state)],
];

describe.each(ROUTES)('%s', (_name, route) => {
  test('without capture of inputs, the route keeps no inputs, and answers with an inference id', async () => {
    const state = newState();
    const response = await route(state, false);
    expect(response.status).toBe(200);
    expect(state.inputs).toBeUndefined();
    expect(state.predictions).toHaveLength(1);
    expect(state.inferenceId).toMatch(/\S/);
  });

  test('with capture of inputs, the route notes where the validated inputs are, and answers the same', async () => {
    const without = newState();
    const kept = newState();
    const [plain, capturing] = [await route(without, false), await route(kept, true)];
    expect(kept.inputs).toBeDefined();
    expect(kept.predictions).toEqual(without.predictions);
    // The v2 answer carries each request's own inference id; the rest is the same.
    const strip = (body: HttpResponse['body']) => String(body).replace(/"id":"[^"]*",/, '');
    expect(strip(capturing.body)).toBe(strip(plain.body));
  });
});

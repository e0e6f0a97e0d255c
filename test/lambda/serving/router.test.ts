/**
 * The routes (lambda/serving/router.ts): the 404s name the routes or the served model, a wrong method is a 405
 * with Allow, a query string is ignored.
 */
import { app, json, request, useExampleModels } from '../../support/serving';

useExampleModels();

describe('metadata and health', () => {
  test('a query string is ignored', async () => {
    expect((await app('iris').handle(request('GET', '/ping?verbose=1'))).status).toBe(200);
  });
});

describe('client errors', () => {
  const iris = () => app('iris');

  test('404 unknown path names the routes', async () => {
    const response = await iris().handle(request('GET', '/predict'));
    expect(response.status).toBe(404);
    expect(json(response).error).toBe(
      'no route for GET "/predict"; the routes are POST /invocations, POST /v2/models/iris/infer, GET /ping, ' +
        'GET /v2/health/live, GET /v2/health/ready, GET /v2/models/iris, GET /v2/models/iris/ready',
    );
  });

  test('404 unknown model name or version names the served model', async () => {
    const model = await iris().handle(request('POST', '/v2/models/resnet/infer', '{}'));
    expect(model.status).toBe(404);
    expect(json(model).error).toBe('model "resnet" is not served here; this endpoint serves model "iris" (version 1.0.0)');
    const version = await iris().handle(request('GET', '/v2/models/iris/versions/2.0.0/ready'));
    expect(version.status).toBe(404);
    expect(json(version).error).toBe(
      'version "2.0.0" of model "iris" is not served here; this endpoint serves version 1.0.0',
    );
  });

  test('405 wrong method, with Allow', async () => {
    const post = await iris().handle(request('GET', '/invocations'));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('POST');
    expect(json(post).error).toBe('method GET is not allowed on /invocations; use POST');
    const get = await iris().handle(request('DELETE', '/v2/models/iris'));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('GET');
  });
});

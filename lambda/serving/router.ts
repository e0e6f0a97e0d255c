/**
 * The routes: the fixed ones, and those of the served model (`/v2/models/{name}[/versions/{version}]...`), found
 * with one Map lookup per request; what is not found is a 404 that names the routes or the served model, and a
 * wrong method a 405 with `Allow`.
 */
import { formatValue } from '../core/issues';
import type { EvaluationKeyFigures } from '../core/evaluation-figures';
import type { Manifest } from '../core/manifest';
import { regressionTargets } from '../core/manifest-outputs';
import type { ModelStatus } from './contract';
import { HttpError, notReadyError } from './errors';
import { modelMetadata } from './metadata';

export type RouteKind =
  | 'ping'
  | 'live'
  | 'ready'
  | 'server'
  | 'invocations'
  | 'infer'
  | 'model-metadata'
  | 'model-ready';

export interface Route {
  readonly kind: RouteKind;
  readonly method: 'GET' | 'POST';
}

/** Everything that depends only on the manifest: routes, names, metadata. Built once per manifest. */
export interface Catalog {
  readonly manifest: Manifest;
  readonly routes: ReadonlyMap<string, Route>;
  /** The routes as a 404 lists them. */
  readonly routeList: string;
  /** Class labels (classification), or undefined (regression). */
  readonly labels: readonly string[] | undefined;
  /** A multi-output regression's targets (the columns of the v2 `value` tensor), or undefined. */
  readonly targets: readonly string[] | undefined;
  /** Names of the v2 outputs. */
  readonly outputNames: readonly string[];
  /** The model metadata body while the model is loading. */
  readonly metadataLoading: string;
  /** The evaluation's key figures, for the metadata document. */
  readonly evaluation?: EvaluationKeyFigures;
}

const MODELS_PREFIX = '/v2/models/';

const STATIC_ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/invocations', { kind: 'invocations', method: 'POST' }],
  ['/ping', { kind: 'ping', method: 'GET' }],
  ['/v2/health/live', { kind: 'live', method: 'GET' }],
  ['/v2/health/ready', { kind: 'ready', method: 'GET' }],
  ['/v2', { kind: 'server', method: 'GET' }],
]);

/** The routes a 404 lists before the manifest is known. */
const STATIC_ROUTE_LIST = 'POST /invocations, GET /ping, GET /v2/health/live, GET /v2/health/ready';

export function buildCatalog(manifest: Manifest, evaluation?: EvaluationKeyFigures): Catalog {
  const base = `${MODELS_PREFIX}${manifest.name}`;
  const versioned = `${base}/versions/${manifest.version}`;
  const routes = new Map<string, Route>();
  for (const prefix of [base, versioned]) {
    routes.set(prefix, { kind: 'model-metadata', method: 'GET' });
    routes.set(`${prefix}/ready`, { kind: 'model-ready', method: 'GET' });
    routes.set(`${prefix}/infer`, { kind: 'infer', method: 'POST' });
  }
  const labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  return {
    manifest,
    routes,
    routeList: [
      'POST /invocations',
      `POST ${base}/infer`,
      'GET /ping',
      'GET /v2/health/live',
      'GET /v2/health/ready',
      `GET ${base}`,
      `GET ${base}/ready`,
    ].join(', '),
    labels,
    targets: regressionTargets(manifest),
    outputNames: labels === undefined ? ['value'] : ['label', 'probabilities'],
    metadataLoading: JSON.stringify(modelMetadata(manifest, undefined, evaluation)),
    ...(evaluation === undefined ? {} : { evaluation }),
  };
}

/** The path without its query string. */
export function pathOf(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

/**
 * The route of `path` (without its query string).
 * @throws HttpError 404 (503 for a model path while the manifest is unknown), 405
 */
export function findRoute(method: string, path: string, catalog: Catalog | undefined, status: ModelStatus): Route {
  const route = STATIC_ROUTES.get(path) ?? catalog?.routes.get(path);
  if (route === undefined) throw notFound(method, path, catalog, status);
  if (method !== route.method) {
    throw new HttpError(
      405,
      'method_not_allowed',
      `method ${method.slice(0, 20)} is not allowed on ${path}; use ${route.method}`,
      { allow: route.method },
    );
  }
  return route;
}

function notFound(method: string, path: string, catalog: Catalog | undefined, status: ModelStatus): HttpError {
  if (path.startsWith(MODELS_PREFIX)) {
    // Before the manifest is known nothing can be said about model names.
    if (catalog === undefined) return notReadyError(status);
    const { name, version } = catalog.manifest;
    const parts = path.slice(MODELS_PREFIX.length).split('/');
    if (parts[0] !== name) {
      return new HttpError(
        404,
        'not_found',
        `model ${formatValue(parts[0])} is not served here; this endpoint serves model "${name}" (version ${version})`,
      );
    }
    if (parts[1] === 'versions' && parts[2] !== undefined && parts[2] !== version) {
      return new HttpError(
        404,
        'not_found',
        `version ${formatValue(parts[2])} of model "${name}" is not served here; this endpoint serves version ${version}`,
      );
    }
  }
  const routes = catalog?.routeList ?? STATIC_ROUTE_LIST;
  return new HttpError(404, 'not_found', `no route for ${method.slice(0, 20)} ${formatValue(path)}; the routes are ${routes}`);
}

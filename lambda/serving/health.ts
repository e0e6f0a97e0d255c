/**
 * The health answers: `GET /v2/health/live`, `GET /v2/health/ready`, SageMaker's `GET /ping` and
 * `GET /v2/models/{name}/ready`. Fixed bodies, built once (per model for the model's own).
 */
import type { Manifest } from '../core/manifest';

/** `GET /v2/health/live`: the process runs. */
export const LIVE_BODY = JSON.stringify({ live: true });
/** `GET /v2/health/ready` once the model is loaded. */
export const READY_BODY = JSON.stringify({ ready: true });

/** `GET /ping` once the model is loaded. */
export function pingBody(manifest: Manifest): string {
  return JSON.stringify({ status: 'ok', model: manifest.name, version: manifest.version });
}

/** `GET /v2/models/{name}/ready` once the model is loaded. */
export function modelReadyBody(manifest: Manifest): string {
  return JSON.stringify({ name: manifest.name, version: manifest.version, ready: true });
}

/**
 * What a route that runs the model (`invocations.ts`, `open-inference.ts`) is given: the app, for its limits and
 * for the served model once the route's own checks have passed, and the request's scratch state.
 */
import { randomUUID } from 'node:crypto';
import type { RequestLimits, Prediction } from '../core/types';
import type { InputForm } from './captured-inputs';
import type { ServedModel } from './served-model';

export interface RouteContext {
  readonly limits: Readonly<Required<RequestLimits>>;
  /**
   * Capture keeps inputs: a route then notes where its validated inputs are ({@link RequestState.inputs}); otherwise
   * it keeps no reference to them past the prediction's preparation.
   */
  readonly keepsInputs: boolean;
  /**
   * The served model.
   * @throws HttpError 503 while there is none (loading, or failed)
   */
  ready(): ServedModel;
}

/** Per-request scratch state, reported to the hooks. */
export interface RequestState {
  requestId: string | undefined;
  predictions: readonly Prediction[] | undefined;
  problemCount: number | undefined;
  /** The prediction's id (the client's, or generated), once the request is valid; sent back and captured. */
  inferenceId?: string;
  /** Where the validated inputs are, for capture (only when {@link RouteContext.keepsInputs}). */
  inputs?: InputForm;
  /** The predictions as `{"predictions": [...]}` JSON, when the route wrote that already. */
  outputJson?: string;
}

/** The request's id: the one it came with, else one generated now (and kept). */
export function requestIdOf(state: RequestState): string {
  if (state.requestId === undefined) state.requestId = randomUUID();
  return state.requestId;
}

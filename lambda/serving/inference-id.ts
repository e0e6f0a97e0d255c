/**
 * Every prediction has an id, the inference id, that ground truth is later joined on. A client may bring its own:
 * SageMaker's `InferenceId` (InvokeEndpoint forwards it to the container as the `X-Amzn-SageMaker-Inference-Id`
 * header), the Open Inference Protocol request's `id`, or an `X-Inference-Id` header anywhere; otherwise the runtime
 * generates one (a UUID). The id goes back in the `X-Inference-Id` response header, and as `id` in a v2 answer.
 */
import { randomUUID } from 'node:crypto';
import { INFERENCE_ID_PATTERN, INFERENCE_ID_RULE } from '../records/record-format';
import type { HttpRequest } from './contract';
import { envelopeError } from './errors';

/** The header a client may send its id in, and that every prediction answer carries (lower-case, as hosts pass it). */
export const INFERENCE_ID_HEADER = 'x-inference-id';
/** The header SageMaker passes InvokeEndpoint's `InferenceId` in. */
export const SAGEMAKER_INFERENCE_ID_HEADER = 'x-amzn-sagemaker-inference-id';

function headerValue(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * A client's id: `field` names where it came from, for the 400.
 * @throws InvalidInputError (400) naming the field, the value and what is allowed
 */
export function checkInferenceId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !INFERENCE_ID_PATTERN.test(value)) throw envelopeError(field, value, INFERENCE_ID_RULE);
  return value;
}

/**
 * The id a request's headers bring (`X-Inference-Id` first, then SageMaker's), or undefined.
 * @throws InvalidInputError (400) for an id that breaks {@link INFERENCE_ID_RULE}
 */
export function headerInferenceId(request: HttpRequest): string | undefined {
  for (const name of [INFERENCE_ID_HEADER, SAGEMAKER_INFERENCE_ID_HEADER]) {
    const value = headerValue(request, name);
    if (value !== undefined) return checkInferenceId(`header ${name}`, value);
  }
  return undefined;
}

/** A new inference id. */
export function newInferenceId(): string {
  return randomUUID();
}

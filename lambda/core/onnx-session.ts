/**
 * Opening an onnxruntime session on model bytes: the one place the runtime calls `InferenceSession.create`, so
 * that every caller gets the same cross-realm byte view and the same {@link ModelLoadError}.
 */
import { InferenceSession } from 'onnxruntime-node';
import { CheckFailure } from './modelstack-error';

/** onnxruntime could not load the bytes as a model (not ONNX, truncated, unsupported opset). */
export class ModelLoadError extends CheckFailure {
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    super(`Cannot load the ONNX model ${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ModelLoadError';
  }
}

/**
 * A view of the same bytes as this realm's Uint8Array. onnxruntime checks `instanceof Uint8Array`, which a Node
 * `Buffer` fails under Jest (separate realm); in production this is a free re-view, never a copy.
 */
function ownRealmBytes(bytes: Uint8Array): Uint8Array {
  // `instanceof` narrows the else-branch to never, but cross-realm it is reachable.
  const view: Pick<Uint8Array, 'buffer' | 'byteOffset' | 'byteLength'> = bytes;
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * A session on the model `bytes`; `source` names the model in the error.
 * @throws ModelLoadError when onnxruntime cannot load the bytes
 */
export async function createSession(
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
  source: string,
): Promise<InferenceSession> {
  try {
    // onnxruntime's own warnings (e.g. a declared output shape the graph does not return) would print, coloured,
    // to the terminal; problems are reported by modelstack instead. A caller may still ask for more.
    return await InferenceSession.create(ownRealmBytes(bytes), { logSeverityLevel: 3, ...options });
  } catch (error) {
    throw new ModelLoadError(source, error);
  }
}

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

/** onnxruntime's variable that turns its telemetry off ("1"; "0" keeps it on). */
export const ORT_TELEMETRY_ENV = 'ORT_DISABLE_TELEMETRY';

/**
 * Turns onnxruntime's own telemetry off for this process unless the environment says otherwise; must run before its
 * environment exists (the first session, or {@link initOnnxRuntime}), which reads the variable. onnxruntime-node's
 * Linux builds otherwise start a telemetry system there (a SQLite store under `~/.cache/Microsoft`, an fsync, a
 * thread, and uploads over HTTPS by its own messages): about a fifth of onnxruntime's initialization as measured
 * here, on every cold start and worker start. A model server has no use for it (and a Lambda function in a VPC no route for it). Setting
 * `ORT_DISABLE_TELEMETRY=0` keeps it on. `process.env` writes through to the C environment the library reads.
 */
export function disableOnnxRuntimeTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env[ORT_TELEMETRY_ENV] ??= '1';
}

/** onnxruntime-node's own initialization (`initOrt`), which its first session otherwise runs. */
interface OnnxRuntimeBinding {
  readonly initOrt?: () => void;
}

/**
 * Initializes onnxruntime's environment now rather than in the first `InferenceSession.create`: a cold start calls
 * it while the model download is in flight, so the two overlap (it is most of a first session's time). Best effort:
 * the entry point is onnxruntime-node's internal `dist/binding`; without it the first session initializes as usual.
 */
export function initOnnxRuntime(): void {
  disableOnnxRuntimeTelemetry();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module of onnxruntime-node, no types
    (require('onnxruntime-node/dist/binding') as OnnxRuntimeBinding).initOrt?.();
  } catch {
    // The first session initializes it.
  }
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
  disableOnnxRuntimeTelemetry();
  try {
    // onnxruntime's own warnings (e.g. a declared output shape the graph does not return) would print, coloured,
    // to the terminal; problems are reported by modelstack instead. A caller may still ask for more.
    return await InferenceSession.create(ownRealmBytes(bytes), { logSeverityLevel: 3, ...options });
  } catch (error) {
    throw new ModelLoadError(source, error);
  }
}

/**
 * Prepared batches of several requests as one: every input tensor's rows concatenated along the first dimension,
 * in request order (what dynamic batching runs, `dynamic-batching.ts`). Batches prepared by one preparer always
 * agree on their tensors; any that do not (another name, element type or row shape) are not concatenated.
 */
import type { PreparedBatch, PreparedTensor } from './types';

type TensorData = PreparedTensor['data'];

/** Whether `a` and `b` are the same input with the same row shape (they may differ in rows only). */
function sameInput(a: PreparedTensor, b: PreparedTensor): boolean {
  if (a.name !== b.name || a.type !== b.type || a.dims.length !== b.dims.length) return false;
  for (let d = 1; d < a.dims.length; d++) if (a.dims[d] !== b.dims[d]) return false;
  return true;
}

/** Whether `other` can join `first` in one batch: both one float32 tensor of the same width, or the same inputs. */
export function concatenable(first: PreparedBatch, other: PreparedBatch): boolean {
  const a = first.tensors;
  const b = other.tensors;
  if (a === undefined || b === undefined) {
    return a === b && first.data.length / first.count === other.data.length / other.count;
  }
  if (a.length !== b.length) return false;
  for (let t = 0; t < a.length; t++) if (!sameInput(a[t], b[t])) return false;
  return true;
}

/** The values of one input over every batch, in order. */
function concatData(parts: readonly TensorData[], type: PreparedTensor['type']): TensorData {
  let length = 0;
  for (const part of parts) length += part.length;
  if (type === 'string') {
    const out = new Array<string>(length);
    let at = 0;
    for (const part of parts as ReadonlyArray<readonly string[]>) for (let i = 0; i < part.length; i++) out[at++] = part[i];
    return out;
  }
  const out =
    type === 'int64' ? new BigInt64Array(length) : type === 'float64' ? new Float64Array(length) : new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    (out as Float32Array).set(part as Float32Array, at);
    at += part.length;
  }
  return out;
}

/**
 * One batch holding the rows of every batch, in order; `batches` must be {@link concatenable} with the first.
 * A single batch is returned as it is.
 */
export function concatBatches(batches: readonly PreparedBatch[]): PreparedBatch {
  if (batches.length === 1) return batches[0];
  let count = 0;
  for (const batch of batches) count += batch.count;
  const first = batches[0].tensors;
  if (first === undefined) {
    return { data: concatData(batches.map((b) => b.data), 'float32') as Float32Array, count };
  }
  const tensors = first.map((tensor, t): PreparedTensor => {
    const data = concatData(batches.map((b) => (b.tensors as readonly PreparedTensor[])[t].data), tensor.type);
    return { name: tensor.name, type: tensor.type, data, dims: [count, ...tensor.dims.slice(1)] } as PreparedTensor;
  });
  const data = tensors[0].type === 'float32' ? tensors[0].data : new Float32Array(0);
  return { data, count, tensors };
}

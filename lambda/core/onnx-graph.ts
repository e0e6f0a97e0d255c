/**
 * What the ONNX graph itself says, read from the model's bytes with onnx-proto where onnxruntime's signature says
 * too little: which outputs are made by a ZipMap node (skl2onnx's default for classifiers), and which tensor feeds
 * it. onnxruntime-node reports such an output only as "not a tensor" and cannot return it.
 *
 * Decoding parses the whole model, so it runs only when the signature shows a problem worth explaining.
 */
import type { onnx as OnnxProto } from 'onnx-proto';

/**
 * onnx-proto, loaded on first use: it is rarely needed (a model with a ZipMap output) and costs protobufjs and its
 * generated schema at every start otherwise. A plain `require` keeps the check synchronous and bundlers see it.
 */
function onnxProto(): typeof OnnxProto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('onnx-proto') as { onnx: typeof OnnxProto }).onnx;
}

/** A graph output made by a ZipMap node. */
export interface ZipMapOutput {
  /** The graph output (a sequence of maps). */
  readonly output: string;
  /** The tensor feeding the ZipMap: the probabilities, `[N, K]`. */
  readonly input: string;
}

/**
 * The graph outputs made by ZipMap nodes; empty when there are none or the bytes do not decode (onnxruntime has
 * already loaded them, so that would be a model onnx-proto cannot read, not one to refuse here).
 */
export function zipMapOutputs(bytes: Uint8Array): ZipMapOutput[] {
  let model: OnnxProto.ModelProto;
  try {
    model = onnxProto().ModelProto.decode(bytes);
  } catch {
    return [];
  }
  const graph = model.graph;
  if (graph === null || graph === undefined) return [];
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const found: ZipMapOutput[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'ZipMap' || (node.domain ?? '') !== 'ai.onnx.ml') continue;
    const output = node.output?.[0] ?? '';
    if (outputs.has(output)) found.push({ output, input: node.input?.[0] ?? '' });
  }
  return found;
}

/** The refusal of a ZipMap output, naming the fix. */
export function zipMapProblem(zipMap: ZipMapOutput, source: string): string {
  return (
    `output "${zipMap.output}" is a ZipMap (a sequence of maps), which onnxruntime-node cannot return ` +
    `(microsoft/onnxruntime#8007): run "npm run modelstack -- init ${source}" to rewrite it so that the tensor ` +
    `"${zipMap.input}" feeding the ZipMap becomes the output`
  );
}

/**
 * Removes skl2onnx's ZipMap from an ONNX graph so that onnxruntime-node can return the probabilities
 * (it cannot return a sequence of maps: microsoft/onnxruntime#8007).
 *
 * For each ZipMap whose output is a graph output: the tensor feeding it (`[N, K]` float probabilities) becomes a
 * graph output in its place, with its ValueInfo (from `graph.valueInfo` when the graph has it, else float
 * `[N, K]` with K = the number of class labels); the ZipMap node and its output are removed; every other output
 * (e.g. `output_label`) is kept. The class labels are the ZipMap's `classlabels_strings` / `classlabels_int64s`.
 */
import { onnx } from 'onnx-proto';
import { decodeModel, findZipMaps, OnnxReadError, type ZipMapNode } from './onnx-signature';

/** One ZipMap that was removed. */
export interface ZipMapRewrite {
  /** The graph output that was the ZipMap's sequence of maps (removed), e.g. `output_probability`. */
  readonly zipMapOutput: string;
  /** The tensor that fed the ZipMap and is now a graph output, e.g. `probabilities`. */
  readonly tensor: string;
  /** The class labels in column order. */
  readonly classLabels: readonly string[];
}

export interface ZipMapRewriteResult {
  /** The rewritten model; the input bytes themselves when there was no ZipMap. */
  readonly bytes: Uint8Array;
  /** The ZipMaps removed, in node order; empty when there was none. */
  readonly rewritten: readonly ZipMapRewrite[];
}

/** The ValueInfo of the ZipMap's input: the graph's own when it has one, else float `[N, K]`. */
function probabilitiesValueInfo(graph: onnx.IGraphProto, zipMap: ZipMapNode): onnx.IValueInfoProto {
  const known = (graph.valueInfo ?? []).find((v) => v.name === zipMap.input);
  if (known?.type?.tensorType) return known;
  return {
    name: zipMap.input,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        // The batch dimension is left unnamed, as skl2onnx leaves it on the other outputs.
        shape: { dim: [{}, { dimValue: zipMap.classLabels.length }] },
      },
    },
  };
}

function rewriteOne(graph: onnx.IGraphProto, zipMap: ZipMapNode, source: string): ZipMapRewrite | undefined {
  const outputs = graph.output ?? [];
  const position = outputs.findIndex((o) => o.name === zipMap.output);
  if (position < 0) return undefined; // Not a graph output: nothing onnxruntime would have to return.
  const consumers = (graph.node ?? []).filter((n) => (n.input ?? []).includes(zipMap.output));
  if (consumers.length > 0) {
    throw new OnnxReadError(
      source,
      `the ZipMap output "${zipMap.output}" also feeds node ${consumers.map((n) => `"${n.name ?? n.opType}"`).join(', ')}, ` +
        'so the ZipMap cannot be removed; export the model with zipmap=False',
    );
  }
  if (zipMap.classLabels.length === 0) {
    throw new OnnxReadError(source, `the ZipMap feeding "${zipMap.output}" has no classlabels_strings or classlabels_int64s`);
  }
  const alreadyOutput = outputs.some((o) => o.name === zipMap.input);
  const replacement = alreadyOutput ? [] : [probabilitiesValueInfo(graph, zipMap)];
  graph.output = [...outputs.slice(0, position), ...replacement, ...outputs.slice(position + 1)];
  // A graph output is described by graph.output; value_info holds only intermediate values.
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => v.name !== zipMap.input && v.name !== zipMap.output);
  graph.node = (graph.node ?? []).filter((n) => !(n.opType === 'ZipMap' && (n.output ?? []).includes(zipMap.output)));
  return { zipMapOutput: zipMap.output, tensor: zipMap.input, classLabels: zipMap.classLabels };
}

/**
 * Rewrites every ZipMap graph output into the tensor feeding it.
 * @throws OnnxReadError when the bytes are not an ONNX model, or a ZipMap cannot be removed
 */
export function rewriteZipMap(bytes: Uint8Array, source = 'model.onnx'): ZipMapRewriteResult {
  const model = decodeModel(bytes, source);
  const graph = model.graph as onnx.IGraphProto;
  const rewritten: ZipMapRewrite[] = [];
  for (const zipMap of findZipMaps(graph)) {
    const done = rewriteOne(graph, zipMap, source);
    if (done) rewritten.push(done);
  }
  if (rewritten.length === 0) return { bytes, rewritten };
  return { bytes: onnx.ModelProto.encode(model).finish(), rewritten };
}

/**
 * An ONNX model's signature read from its bytes with onnx-proto (no onnxruntime session): the graph's inputs and
 * outputs with their element types and shapes, the ZipMap nodes (skl2onnx's `seq(map(...))` probability output),
 * and whether the graph imputes missing values itself.
 */
import { onnx } from 'onnx-proto';
import { InitError } from './init-error';

/** Names of ONNX `TensorProto.DataType` values, as onnxruntime-node names them. */
const ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

/** A dimension: a fixed size, a symbolic name, or `null` when the model leaves it unnamed. */
export type Dim = number | string | null;

/** One graph input or output. */
export type ValueSignature =
  | { readonly kind: 'tensor'; readonly name: string; readonly elementType: string; readonly shape: readonly Dim[] | undefined }
  | { readonly kind: 'sequence-of-maps'; readonly name: string; readonly keyType: string; readonly valueType: string }
  | { readonly kind: 'other'; readonly name: string; readonly description: string };

/** A ZipMap node: it turns the `[N, K]` float tensor `input` into the sequence of maps `output`. */
export interface ZipMapNode {
  /** The node's name (may be empty). */
  readonly node: string;
  /** The tensor feeding the ZipMap: the probabilities, `[N, K]`. */
  readonly input: string;
  /** The ZipMap's output (a graph output of `seq(map(...))` type). */
  readonly output: string;
  /** The class labels in column order, from `classlabels_strings` or `classlabels_int64s` (as strings). */
  readonly classLabels: readonly string[];
}

export interface OnnxSignature {
  readonly inputs: readonly ValueSignature[];
  readonly outputs: readonly ValueSignature[];
  readonly zipMaps: readonly ZipMapNode[];
  /** Operator types in the graph, in node order, without repeats (`Imputer`, `Scaler`, `LinearClassifier`...). */
  readonly operators: readonly string[];
  /** Whether the graph has an `Imputer` node (skl2onnx's `SimpleImputer`): it fills NaN itself. */
  readonly imputes: boolean;
  /** The producer named in the model (`skl2onnx`, `pytorch`...), or `''`. */
  readonly producer: string;
}

/** Raised when the bytes are not an ONNX model onnx-proto can read. */
export class OnnxReadError extends InitError {
  constructor(source: string, reason: string) {
    super(`${source} is not an ONNX model that can be read: ${reason}`);
    this.name = 'OnnxReadError';
  }
}

/** Decodes ONNX bytes; throws {@link OnnxReadError} naming the source. */
export function decodeModel(bytes: Uint8Array, source = 'model.onnx'): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    // protobufjs reads strings with Buffer methods when Buffer.isBuffer says yes, which it can say of a plain
    // Uint8Array from another realm (Jest): hand it a real Buffer view of the same bytes (no copy).
    model = onnx.ModelProto.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new OnnxReadError(source, (error as Error).message);
  }
  if (!model.graph) throw new OnnxReadError(source, 'it has no graph');
  return model;
}

export function elementTypeName(code: number | null | undefined): string {
  return ELEMENT_TYPES[code ?? 0] ?? `element type ${code ?? 0}`;
}

function dimOf(dim: onnx.TensorShapeProto.IDimension): Dim {
  if (dim.dimParam) return dim.dimParam;
  // A oneof member is set when it is an own property (protobufjs keeps defaults on the prototype).
  if (Object.prototype.hasOwnProperty.call(dim, 'dimValue') && dim.dimValue !== null && dim.dimValue !== undefined) {
    return Number(dim.dimValue);
  }
  return null;
}

/** The shape of a tensor type; `undefined` when the model declares none. */
export function shapeOf(tensor: onnx.TypeProto.ITensor): Dim[] | undefined {
  return tensor.shape ? (tensor.shape.dim ?? []).map((d) => dimOf(d)) : undefined;
}

function describeType(type: onnx.ITypeProto | null | undefined): string {
  if (!type) return 'no type';
  if (type.tensorType) return `tensor(${elementTypeName(type.tensorType.elemType)})`;
  if (type.sequenceType) return `seq(${describeType(type.sequenceType.elemType)})`;
  if (type.mapType) return `map(${elementTypeName(type.mapType.keyType)},${describeType(type.mapType.valueType)})`;
  return 'an unsupported type';
}

export function describeValueInfo(value: onnx.IValueInfoProto): ValueSignature {
  const name = value.name ?? '';
  const type = value.type;
  if (type?.tensorType) {
    return { kind: 'tensor', name, elementType: elementTypeName(type.tensorType.elemType), shape: shapeOf(type.tensorType) };
  }
  const map = type?.sequenceType?.elemType?.mapType;
  if (map) {
    return { kind: 'sequence-of-maps', name, keyType: elementTypeName(map.keyType), valueType: describeType(map.valueType) };
  }
  return { kind: 'other', name, description: describeType(type) };
}

function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

const decoder = new TextDecoder();

/** The ZipMap's class labels, in column order. */
export function zipMapLabels(node: onnx.INodeProto): string[] {
  const strings = attribute(node, 'classlabels_strings')?.strings ?? [];
  if (strings.length > 0) return strings.map((s) => decoder.decode(s));
  return (attribute(node, 'classlabels_int64s')?.ints ?? []).map((i) => String(i));
}

export function findZipMaps(graph: onnx.IGraphProto): ZipMapNode[] {
  return (graph.node ?? [])
    .filter((n) => n.opType === 'ZipMap')
    .map((n) => ({ node: n.name ?? '', input: n.input?.[0] ?? '', output: n.output?.[0] ?? '', classLabels: zipMapLabels(n) }));
}

/** Reads the signature of an ONNX model from its bytes. */
export function readOnnxSignature(bytes: Uint8Array, source = 'model.onnx'): OnnxSignature {
  const model = decodeModel(bytes, source);
  const graph = model.graph as onnx.IGraphProto;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const operators = [...new Set((graph.node ?? []).map((n) => n.opType ?? ''))];
  return {
    // IR < 4 lists initializers among the inputs; they are not fed.
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(describeValueInfo),
    outputs: (graph.output ?? []).map(describeValueInfo),
    zipMaps: findZipMaps(graph),
    operators,
    imputes: operators.includes('Imputer'),
    producer: model.producerName ?? '',
  };
}

/** `[N, 3]`-style text for a shape (`?` for an unnamed dimension, `[?]` when unknown). */
export function formatDims(shape: readonly Dim[] | undefined): string {
  if (shape === undefined) return '[?]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** `tensor(float32) [?, 1]` or `seq(map(string, float32))`. */
export function formatValue(value: ValueSignature): string {
  if (value.kind === 'tensor') return `${value.elementType} ${formatDims(value.shape)}`;
  if (value.kind === 'sequence-of-maps') return `seq(map(${value.keyType}, ${value.valueType}))`;
  return value.description;
}

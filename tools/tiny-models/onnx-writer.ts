/**
 * A small, dependency-free writer for the subset of the ONNX protobuf format that the tiny test models
 * need: a graph of nodes, initializers (inline or in an external data file), typed inputs and outputs
 * with symbolic dimensions.
 *
 * Field numbers and enum values follow onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto):
 * ModelProto{ir_version=1, opset_import=8, producer_name=2, graph=7}, GraphProto{node=1, name=2,
 * initializer=5, input=11, output=12}, NodeProto{input=1, output=2, name=3, op_type=4, attribute=5,
 * domain=7}, AttributeProto{name=1, f=2, i=3, t=5, ints=8, type=20}, TensorProto{dims=1, data_type=2,
 * name=8, raw_data=9, external_data=13, data_location=14}, ValueInfoProto{name=1, type=2},
 * TypeProto{tensor_type=1}, TypeProto.Tensor{elem_type=1, shape=2}, TensorShapeProto{dim=1},
 * Dimension{dim_value=1, dim_param=2}, OperatorSetIdProto{domain=1, version=2}.
 */

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** A tensor dimension: a fixed size or a symbolic name (e.g. `batch_size`). */
export type Dimension = number | string;

/** Typed array kinds an initializer may hold. */
export type TensorData = Float32Array | BigInt64Array | Uint8Array;

/** A constant tensor stored in the graph. */
export interface Initializer {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  data: TensorData;
  /**
   * Bytes already written to a side file by the caller (`data` is then ignored): the tensor only records
   * where they are. Lets multi-gigabyte models be written without holding their weights in memory.
   */
  external?: ExternalLocation;
}

/** Where an initializer's bytes live in an external data file (onnx.proto external_data keys). */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

/** An attribute value: int, float, list of ints, or a tensor. */
export type AttributeValue = number | number[] | { tensor: Initializer };

/** One operator call in the graph. */
export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, AttributeValue>;
  name: string;
  /** Operator set domain, e.g. `com.microsoft` for onnxruntime's contrib operators; default ONNX. */
  domain?: string;
}

/** A graph input or output with its element type and shape. */
export interface ValueInfo {
  name: string;
  dataType: DataTypeCode;
  shape: readonly Dimension[];
}

/** Everything needed to serialize one model. */
export interface ModelSpec {
  graphName: string;
  nodes: readonly NodeSpec[];
  initializers: readonly Initializer[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  opsetVersion: number;
  /** Opset versions of further domains the nodes use, e.g. `{ "com.microsoft": 1 }`. */
  extraOpsets?: Readonly<Record<string, number>>;
}

/** A serialized model, plus the bytes of its external data file when one was requested. */
export interface SerializedModel {
  model: Uint8Array;
  externalData?: Uint8Array;
}

// Protobuf wire types: 0 = varint, 2 = length-delimited, 5 = 32-bit.
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Accumulates protobuf fields of one message. */
class MessageWriter {
  private readonly chunks: Uint8Array[] = [];

  varint(field: number, value: number | bigint): this {
    this.chunks.push(encodeVarint((field << 3) | WIRE_VARINT), encodeVarint(value));
    return this;
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(encodeVarint((field << 3) | WIRE_FIXED32), bytes);
    return this;
  }

  bytes(field: number, payload: Uint8Array): this {
    this.chunks.push(
      encodeVarint((field << 3) | WIRE_LENGTH_DELIMITED),
      encodeVarint(payload.length),
      payload,
    );
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  finish(): Uint8Array {
    return concatBytes(this.chunks);
  }
}

function encodeVarint(value: number | bigint): Uint8Array {
  // Negative int64 values are written as their two's-complement 64-bit pattern, as protobuf requires.
  let remaining = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    out.push(byte);
  } while (remaining !== 0n);
  return Uint8Array.from(out);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function encodeTensor(
  tensor: Initializer,
  external?: { location: string; sink: Uint8Array[]; offset: number },
) {
  const writer = new MessageWriter();
  for (const dim of tensor.dims) writer.varint(1, dim);
  writer.varint(2, tensor.dataType).string(8, tensor.name);
  if (tensor.external) return writeExternalReference(writer, tensor.external).finish();
  const raw = rawBytes(tensor.data);
  if (!external) return writer.bytes(9, raw).finish();
  // External data: the bytes live in a side file; the tensor records where (onnx.proto external_data keys).
  writeExternalReference(writer, {
    location: external.location,
    offset: external.offset,
    length: raw.length,
  });
  external.sink.push(raw);
  external.offset += raw.length;
  return writer.finish();
}

function writeExternalReference(writer: MessageWriter, where: ExternalLocation): MessageWriter {
  const entry = (key: string, value: string) => new MessageWriter().string(1, key).string(2, value).finish();
  return writer
    .bytes(13, entry("location", where.location))
    .bytes(13, entry("offset", String(where.offset)))
    .bytes(13, entry("length", String(where.length)))
    .varint(14, 1);
}

function encodeAttribute(name: string, value: AttributeValue): Uint8Array {
  // AttributeType: FLOAT=1, INT=2, TENSOR=4, INTS=7.
  const writer = new MessageWriter().string(1, name);
  if (Array.isArray(value)) {
    for (const item of value) writer.varint(8, item);
    return writer.varint(20, 7).finish();
  }
  if (typeof value === "object") return writer.bytes(5, encodeTensor(value.tensor)).varint(20, 4).finish();
  if (Number.isInteger(value)) return writer.varint(3, value).varint(20, 2).finish();
  return writer.float(2, value).varint(20, 1).finish();
}

function encodeNode(node: NodeSpec): Uint8Array {
  const writer = new MessageWriter();
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    writer.bytes(5, encodeAttribute(name, value));
  if (node.domain) writer.string(7, node.domain);
  return writer.finish();
}

function encodeValueInfo(info: ValueInfo): Uint8Array {
  const shape = new MessageWriter();
  for (const dim of info.shape) {
    const dimension = new MessageWriter();
    if (typeof dim === "number") dimension.varint(1, dim);
    else dimension.string(2, dim);
    shape.bytes(1, dimension.finish());
  }
  const tensorType = new MessageWriter().varint(1, info.dataType).bytes(2, shape.finish()).finish();
  const type = new MessageWriter().bytes(1, tensorType).finish();
  return new MessageWriter().string(1, info.name).bytes(2, type).finish();
}

/**
 * Serializes a model. With `externalDataLocation`, initializers of at least `externalThresholdBytes`
 * bytes go to a side file of that name (placed beside the .onnx file), the way large exports store weights.
 */
export function serializeModel(
  spec: ModelSpec,
  options: { externalDataLocation?: string; externalThresholdBytes?: number } = {},
): SerializedModel {
  const sink: Uint8Array[] = [];
  const external = options.externalDataLocation
    ? { location: options.externalDataLocation, sink, offset: 0 }
    : undefined;
  const threshold = options.externalThresholdBytes ?? 1024;
  const graph = new MessageWriter();
  for (const node of spec.nodes) graph.bytes(1, encodeNode(node));
  graph.string(2, spec.graphName);
  for (const tensor of spec.initializers) {
    const goesExternal = external && tensor.data.byteLength >= threshold;
    graph.bytes(5, encodeTensor(tensor, goesExternal ? external : undefined));
  }
  for (const input of spec.inputs) graph.bytes(11, encodeValueInfo(input));
  for (const output of spec.outputs) graph.bytes(12, encodeValueInfo(output));
  // IR version 8 pairs with opset 17 (onnx/docs/Versioning.md); onnxruntime-node 1.30 reads both.
  const opset = new MessageWriter().string(1, "").varint(2, spec.opsetVersion).finish();
  const modelWriter = new MessageWriter()
    .varint(1, 8)
    .string(2, "qwen-vlm tiny-models")
    .bytes(7, graph.finish())
    .bytes(8, opset);
  for (const [domain, version] of Object.entries(spec.extraOpsets ?? {}))
    modelWriter.bytes(8, new MessageWriter().string(1, domain).varint(2, version).finish());
  const model = modelWriter.finish();
  return sink.length > 0 ? { model, externalData: concatBytes(sink) } : { model };
}

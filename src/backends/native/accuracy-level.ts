/**
 * Sets the `accuracy_level` attribute of onnxruntime's 4-bit `MatMulNBits` nodes in an .onnx file.
 *
 * Why: q4 exports (onnx-community / transformers.js) are made with onnxruntime's matmul_nbits_quantizer.py,
 * which writes `accuracy_level` only when asked (`if self.config.accuracy_level is not None`), so the files
 * users download carry none, which means 0: the CPU kernel multiplies float32 activations against
 * dequantized weights. Level 4 lets MLAS quantize each activation block to int8 and use integer dot products
 * (AVX-VNNI / AVX512-VNNI / ARM SDOT), the setting onnxruntime-genai's model builder uses for CPU int4
 * models (`int4_accuracy_level=4`). The level is read from the node when the session is created
 * (contrib_ops/cpu/quantization/matmul_nbits.cc); no session option changes it for nodes that are already
 * MatMulNBits (`session.qdq_matmulnbits_accuracy_level` only applies when onnxruntime itself fuses
 * DequantizeLinear+MatMul into MatMulNBits). Measured in bench/native.ts on a Qwen3.5-2B-sized stand-in.
 *
 * Only the graph proto changes: weights in external `.onnx_data` files are untouched, and inline
 * initializers are copied byte for byte. Field numbers from onnx/onnx.proto: ModelProto{graph=7,
 * functions=25}, GraphProto{node=1}, FunctionProto{node=7}, NodeProto{op_type=4, attribute=5, domain=7},
 * AttributeProto{name=1, i=3, g=6, graphs=11, type=20 (INT=2)}.
 */
import { readFile, rename, writeFile } from "node:fs/promises";

/** `accuracy_level` 4: int8 activations (onnxruntime docs/ContribOperators.md, MatMulNBits). */
export const INT8_ACCURACY_LEVEL = 4;

/** Result of a patch: the model bytes and how many MatMulNBits nodes were seen and changed. */
export interface AccuracyLevelPatch {
  model: Uint8Array;
  matMulNBitsNodes: number;
  changed: number;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const ATTRIBUTE_TYPE_INT = 2;

interface Field {
  number: number;
  wire: number;
  /** The whole field, tag included. */
  raw: Uint8Array;
  /** Length-delimited payload, or undefined. */
  payload?: Uint8Array;
  /** Varint value, or undefined. */
  varint?: bigint;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let shift = 0n, index = at; index < bytes.length; shift += 7n, index++) {
    const byte = bytes[index] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return { value, next: index + 1 };
  }
  throw new Error("not an ONNX model: truncated varint");
}

function encodeVarint(value: bigint): number[] {
  const out: number[] = [];
  let remaining = BigInt.asUintN(64, value);
  do {
    const byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    out.push(remaining === 0n ? byte : byte | 0x80);
  } while (remaining !== 0n);
  return out;
}

/** The fields of one protobuf message, in order. */
function parseFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  for (let at = 0; at < bytes.length; ) {
    const start = at;
    const tag = readVarint(bytes, at);
    const number = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    at = tag.next;
    let payload: Uint8Array | undefined;
    let varint: bigint | undefined;
    if (wire === WIRE_VARINT) {
      const read = readVarint(bytes, at);
      varint = read.value;
      at = read.next;
    } else if (wire === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(bytes, at);
      at = length.next + Number(length.value);
      payload = bytes.subarray(length.next, at);
    } else if (wire === WIRE_FIXED64) at += 8;
    else if (wire === WIRE_FIXED32) at += 4;
    else throw new Error(`not an ONNX model: wire type ${wire}`);
    if (at > bytes.length) throw new Error("not an ONNX model: field runs past the end");
    fields.push({ number, wire, raw: bytes.subarray(start, at), payload, varint });
  }
  return fields;
}

function lengthDelimited(number: number, payload: Uint8Array): Uint8Array {
  const head = [
    ...encodeVarint(BigInt((number << 3) | WIRE_LENGTH_DELIMITED)),
    ...encodeVarint(BigInt(payload.length)),
  ];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function intAttribute(name: string, value: number): Uint8Array {
  const nameField = lengthDelimited(1, encoder.encode(name));
  const rest = [
    ...encodeVarint(BigInt((3 << 3) | WIRE_VARINT)),
    ...encodeVarint(BigInt(value)),
    ...encodeVarint(BigInt((20 << 3) | WIRE_VARINT)),
    ...encodeVarint(BigInt(ATTRIBUTE_TYPE_INT)),
  ];
  return concat([nameField, Uint8Array.from(rest)]);
}

interface Walk {
  level: number | undefined;
  seen: number[];
  nodes: number;
  changed: number;
}

/**
 * Rebuilds a message, replacing the payload of the fields `visit` rewrites; returns the input itself
 * when nothing changed, so an untouched model is never copied.
 */
function rewrite(bytes: Uint8Array, visit: (field: Field) => Uint8Array | undefined): Uint8Array {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const field of parseFields(bytes)) {
    const replacement = field.payload ? visit(field) : undefined;
    if (replacement && replacement !== field.payload) {
      parts.push(lengthDelimited(field.number, replacement));
      changed = true;
    } else parts.push(field.raw);
  }
  return changed ? concat(parts) : bytes;
}

function rewriteGraph(graph: Uint8Array, walk: Walk, nodeField = 1): Uint8Array {
  return rewrite(graph, (field) =>
    field.number === nodeField ? rewriteNode(field.payload as Uint8Array, walk) : undefined,
  );
}

function rewriteNode(node: Uint8Array, walk: Walk): Uint8Array {
  const fields = parseFields(node);
  const text = (number: number) => {
    const field = fields.find((candidate) => candidate.number === number);
    return field?.payload ? decoder.decode(field.payload) : "";
  };
  const isTarget = text(4) === "MatMulNBits" && text(7) === "com.microsoft";
  if (isTarget) walk.nodes++;
  let found = false;
  const patched = rewrite(node, (field) => {
    if (field.number !== 5) return undefined;
    const attribute = parseFields(field.payload as Uint8Array);
    const name = attribute.find((part) => part.number === 1)?.payload;
    if (isTarget && name && decoder.decode(name) === "accuracy_level") {
      found = true;
      const current = Number(attribute.find((part) => part.number === 3)?.varint ?? 0n);
      walk.seen.push(current);
      if (walk.level === undefined || current === walk.level) return undefined;
      walk.changed++;
      return intAttribute("accuracy_level", walk.level);
    }
    // Control-flow bodies (If / Loop / Scan) hold whole graphs: patch their nodes too.
    return rewrite(field.payload as Uint8Array, (part) =>
      part.number === 6 || part.number === 11 ? rewriteGraph(part.payload as Uint8Array, walk) : undefined,
    );
  });
  if (!isTarget || found) return patched;
  walk.seen.push(Number.NaN);
  if (walk.level === undefined) return patched;
  walk.changed++;
  return concat([patched, lengthDelimited(5, intAttribute("accuracy_level", walk.level))]);
}

function walkModel(model: Uint8Array, walk: Walk): Uint8Array {
  return rewrite(model, (field) => {
    if (field.number === 7) return rewriteGraph(field.payload as Uint8Array, walk);
    if (field.number === 25) return rewriteGraph(field.payload as Uint8Array, walk, 7);
    return undefined;
  });
}

/**
 * Returns the model with every com.microsoft MatMulNBits node's `accuracy_level` set to `level` (added
 * where missing). Pure: the input is not modified, and is returned as is when already at that level.
 */
export function setMatMulNBitsAccuracyLevel(
  model: Uint8Array,
  level = INT8_ACCURACY_LEVEL,
): AccuracyLevelPatch {
  if (!Number.isInteger(level) || level < 0 || level > 4)
    throw new RangeError(`accuracy_level must be an integer from 0 to 4, got ${level}`);
  const walk: Walk = { level, seen: [], nodes: 0, changed: 0 };
  const patched = walkModel(model, walk);
  return { model: patched, matMulNBitsNodes: walk.nodes, changed: walk.changed };
}

/** The `accuracy_level` of each MatMulNBits node in graph order; `undefined` where the attribute is absent. */
export function readMatMulNBitsAccuracyLevels(model: Uint8Array): (number | undefined)[] {
  const walk: Walk = { level: undefined, seen: [], nodes: 0, changed: 0 };
  walkModel(model, walk);
  return walk.seen.map((value) => (Number.isNaN(value) ? undefined : value));
}

/**
 * Patches an .onnx file in place (written to a temporary file, then renamed over it, so a reader never
 * sees half a file); does nothing when every MatMulNBits node already has `level`. Call it once after a
 * download: the attribute is part of the graph, so every later session gets the fast kernel.
 */
export async function applyAccuracyLevelToFile(
  filePath: string,
  level = INT8_ACCURACY_LEVEL,
): Promise<Omit<AccuracyLevelPatch, "model">> {
  const original = new Uint8Array(await readFile(filePath));
  const { model, matMulNBitsNodes, changed } = setMatMulNBitsAccuracyLevel(original, level);
  if (changed > 0) {
    const staging = `${filePath}.accuracy-level-${process.pid}`;
    await writeFile(staging, model);
    await rename(staging, filePath);
  }
  return { matMulNBitsNodes, changed };
}

/** A tiny ONNX graph with two 4-bit MatMulNBits projections, as q4 exports have them (for accuracy-level tests). */
import { DataType, type ModelSpec, serializeModel } from "../../tools/tiny-models/onnx-writer.js";

export const K = 64;
const N = 8;
const BLOCK = 32;

/** Two 4-bit projections of one input: one without `accuracy_level` (as q4 exports ship), one with 0. */
export function tinyQ4Model(): Uint8Array {
  const packed = Uint8Array.from(
    { length: N * (K / BLOCK) * (BLOCK / 2) },
    (_, index) => (index * 37 + 11) % 256,
  );
  const scales = Float32Array.from({ length: N * (K / BLOCK) }, (_, index) => 0.01 + 0.001 * index);
  const attributes = { K, N, bits: 4, block_size: BLOCK };
  const spec: ModelSpec = {
    graphName: "q4",
    nodes: [
      {
        opType: "MatMulNBits",
        inputs: ["a", "b", "s"],
        outputs: ["y_unset"],
        name: "unset",
        attributes,
        domain: "com.microsoft",
      },
      {
        opType: "MatMulNBits",
        inputs: ["a", "b", "s"],
        outputs: ["y_zero"],
        name: "zero",
        attributes: { ...attributes, accuracy_level: 0 },
        domain: "com.microsoft",
      },
    ],
    initializers: [
      { name: "b", dataType: DataType.UINT8, dims: [N, K / BLOCK, BLOCK / 2], data: packed },
      { name: "s", dataType: DataType.FLOAT, dims: [N * (K / BLOCK)], data: scales },
    ],
    inputs: [{ name: "a", dataType: DataType.FLOAT, shape: ["rows", K] }],
    outputs: [
      { name: "y_unset", dataType: DataType.FLOAT, shape: ["rows", N] },
      { name: "y_zero", dataType: DataType.FLOAT, shape: ["rows", N] },
    ],
    opsetVersion: 17,
    extraOpsets: { "com.microsoft": 1 },
  };
  return serializeModel(spec).model;
}

import { GraphBuilder, SeededRandom } from "../tiny-models/graph-builder.js";
import { DataType, type DataTypeCode, type Initializer, type ModelSpec } from "../tiny-models/onnx-writer.js";
import type { ExternalDataWriter, WeightPatterns } from "./weight-sink.js";

/**
 * How a projection's weights are stored, as in the transformers.js export of that dtype: float32 MatMul
 * (`fp32`), 8-bit weights with activations quantized on the fly (`q8`, the `_quantized` files made by
 * onnxruntime's quantize_dynamic, whose DynamicQuantizeLinear → MatMulInteger chains onnxruntime fuses into
 * DynamicQuantizeMatMul; written here already fused), or 4-bit MatMulNBits blocks (`q4`).
 */
export type LinearKind = "fp32" | "q8" | "q4";

/** 4-bit blocks of 32 weights, one float scale each, no zero points: the q4 exports' settings. */
const Q4_BLOCK = 32;

/** Options every stand-in graph shares. */
export interface StandInGraphOptions {
  /**
   * `accuracy_level` written on each MatMulNBits node; undefined writes none, as onnxruntime's
   * matmul_nbits_quantizer.py does unless asked (`if self.config.accuracy_level is not None`), which is how
   * the q4 files users download come out.
   */
  accuracyLevel?: number;
}

/**
 * A GraphBuilder (tools/tiny-models) whose large weights go straight to an external data file: projections
 * in each {@link LinearKind}, 4-bit embedding tables, float tables and vectors.
 */
export class StandInGraph {
  readonly graph: GraphBuilder;
  private readonly weights: Initializer[] = [];
  private weightCount = 0;

  constructor(
    name: string,
    private readonly sink: ExternalDataWriter,
    private readonly patterns: WeightPatterns,
    private readonly options: StandInGraphOptions = {},
  ) {
    this.graph = new GraphBuilder(name, new SeededRandom(name.length * 7919));
  }

  /** x [.., inFeatures] → [.., outFeatures]; `name` labels the weights (for readers of the graph). */
  linear(kind: LinearKind, input: string, inFeatures: number, outFeatures: number, name: string): string {
    if (kind === "fp32") {
      const weight = this.external(name, DataType.FLOAT, [inFeatures, outFeatures], this.patterns.floats);
      return this.graph.op("MatMul", [input, weight]);
    }
    if (kind === "q8") {
      const weight = this.external(
        `${name}.qweight`,
        DataType.INT8,
        [inFeatures, outFeatures],
        this.patterns.bytes,
      );
      const scale = this.graph.floats(`${name}.scale`, [], [0.0003]);
      const zeroPoint = this.inline(`${name}.zero_point`, DataType.INT8, [], new Uint8Array(1));
      return this.graph.op(
        "DynamicQuantizeMatMul",
        [input, weight, scale, zeroPoint],
        undefined,
        "com.microsoft",
      );
    }
    if (inFeatures % Q4_BLOCK !== 0) throw new Error(`${name}: K=${inFeatures} is not a multiple of 32`);
    const blocks = inFeatures / Q4_BLOCK;
    // MatMulNBits (onnxruntime docs/ContribOperators.md): B uint8 [N, blocks, block/2], scales [N·blocks].
    const packed = this.external(
      `${name}.qweight`,
      DataType.UINT8,
      [outFeatures, blocks, Q4_BLOCK / 2],
      this.patterns.bytes,
    );
    const scales = this.external(
      `${name}.scales`,
      DataType.FLOAT,
      [outFeatures * blocks],
      this.scalePattern(),
    );
    const attributes: Record<string, number> = {
      K: inFeatures,
      N: outFeatures,
      bits: 4,
      block_size: Q4_BLOCK,
    };
    if (this.options.accuracyLevel !== undefined) attributes.accuracy_level = this.options.accuracyLevel;
    return this.graph.op("MatMulNBits", [input, packed, scales], attributes, "com.microsoft");
  }

  /**
   * Rows of a [rows, columns] table stored as 4-bit blocks of 32 along the columns (com.microsoft
   * GatherBlockQuantized: uint8 data packing two codes per byte with implied zero point 8, float scales
   * [rows, columns / 32]), as q4 exports store their token embeddings.
   */
  q4Gather(indices: string, rows: number, columns: number, name: string): string {
    const packed = this.external(`${name}.qweight`, DataType.UINT8, [rows, columns / 2], this.patterns.bytes);
    const scales = this.external(
      `${name}.scales`,
      DataType.FLOAT,
      [rows, columns / Q4_BLOCK],
      this.scalePattern(),
    );
    return this.graph.op(
      "GatherBlockQuantized",
      [packed, indices, scales],
      { bits: 4, block_size: Q4_BLOCK, gather_axis: 0, quantize_axis: 1 },
      "com.microsoft",
    );
  }

  /** A float32 table written from the float pattern (embedding rows, conv kernels). */
  table(name: string, dims: readonly number[]): string {
    return this.external(name, DataType.FLOAT, dims, this.patterns.floats);
  }

  /** A float32 tensor with exactly these values, stored externally when large. */
  values(name: string, dims: readonly number[], data: Float32Array): string {
    if (data.byteLength < 4096) return this.graph.floats(name, dims, data);
    return this.register(name, DataType.FLOAT, dims, this.sink.append(new Uint8Array(data.buffer)));
  }

  /** The finished model: builder nodes and constants plus the external weights, with the contrib opset. */
  build(): ModelSpec {
    const spec = this.graph.build();
    return {
      ...spec,
      initializers: [...spec.initializers, ...this.weights],
      extraOpsets: { "com.microsoft": 1 },
    };
  }

  private scalePattern(): Uint8Array {
    // 4-bit codes 0..15 minus the implied zero point 8, times 0.004: weights within ±0.032.
    return new Uint8Array(new Float32Array(Q4_BLOCK * 64).fill(0.004).buffer);
  }

  private external(name: string, dataType: DataTypeCode, dims: readonly number[], pattern: Uint8Array) {
    const elementBytes = dataType === DataType.UINT8 || dataType === DataType.INT8 ? 1 : 4;
    const length = dims.reduce((product, dim) => product * dim, elementBytes);
    return this.register(name, dataType, dims, this.sink.appendPattern(length, pattern));
  }

  private inline(name: string, dataType: DataTypeCode, dims: readonly number[], data: Uint8Array): string {
    const unique = `w/${this.weightCount++}/${name}`;
    this.weights.push({ name: unique, dataType, dims, data });
    return unique;
  }

  private register(
    name: string,
    dataType: DataTypeCode,
    dims: readonly number[],
    external: Initializer["external"],
  ): string {
    // "w/" never occurs in GraphBuilder's names (they are operator or hint names), so none can collide.
    const unique = `w/${this.weightCount++}/${name}`;
    this.weights.push({
      name: unique,
      dataType,
      dims,
      data: new Uint8Array(0),
      ...(external ? { external } : {}),
    });
    return unique;
  }
}

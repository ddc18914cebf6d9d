import {
  type AttributeValue,
  DataType,
  type Initializer,
  type ModelSpec,
  type NodeSpec,
  type ValueInfo,
} from "./onnx-writer.js";

/**
 * A seeded pseudo-random source, so that every generation of a tiny model writes the same weights.
 * xorshift32 (Marsaglia, "Xorshift RNGs", 2003) for uniforms, Box–Muller for normals.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // xorshift32 must not start at zero; mix the seed so nearby seeds diverge quickly.
    this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 0x6d2b79f5;
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }

  /** `count` normal samples with the given standard deviation. */
  normals(count: number, std: number): Float32Array {
    const out = new Float32Array(count);
    for (let index = 0; index < count; index++) {
      const radius = Math.sqrt(-2 * Math.log(Math.max(this.uniform(), 1e-12)));
      out[index] = std * radius * Math.cos(2 * Math.PI * this.uniform());
    }
    return out;
  }

  /** `count` uniform samples in [low, high). */
  uniforms(count: number, low: number, high: number): Float32Array {
    return Float32Array.from({ length: count }, () => low + (high - low) * this.uniform());
  }
}

/**
 * Builds one ONNX graph: each `op` call appends a node and returns the name of its (fresh) output,
 * so graph code reads like the arithmetic it stands for.
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly usedNames = new Set<string>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];

  constructor(
    private readonly graphName: string,
    readonly random: SeededRandom,
  ) {}

  /** Declares a graph input and returns its name. */
  input(info: ValueInfo): string {
    this.inputs.push(info);
    this.usedNames.add(info.name);
    return info.name;
  }

  /** Declares a graph output; `from` is renamed to the output name through an Identity node. */
  output(info: ValueInfo, from: string): void {
    this.outputs.push(info);
    this.nodes.push({ opType: "Identity", inputs: [from], outputs: [info.name], name: `out_${info.name}` });
  }

  /** A float32 constant. */
  floats(hint: string, dims: readonly number[], values: Float32Array | readonly number[]): string {
    return this.constant(hint, DataType.FLOAT, dims, Float32Array.from(values));
  }

  /** An int64 constant. */
  ints(hint: string, dims: readonly number[], values: readonly number[]): string {
    return this.constant(hint, DataType.INT64, dims, BigInt64Array.from(values.map(BigInt)));
  }

  /** A float32 weight drawn from N(0, std²). */
  weight(hint: string, dims: readonly number[], std: number): string {
    const count = dims.reduce((product, dim) => product * dim, 1);
    return this.floats(hint, dims, this.random.normals(count, std));
  }

  /** LayerNormalization over the last axis of `input` (`width` features), scale near 1 and bias 0. */
  layerNorm(input: string, width: number): string {
    const scale = this.floats("ln_scale", [width], this.random.uniforms(width, 0.9, 1.1));
    const bias = this.floats("ln_bias", [width], new Float32Array(width));
    return this.op("LayerNormalization", [input, scale, bias], { axis: -1, epsilon: 1e-6 });
  }

  /** Appends one node with a single output and returns that output's name (`domain`: see NodeSpec). */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    domain?: string,
  ): string {
    const [output] = this.opMulti(opType, inputs, 1, attributes, domain);
    return output as string;
  }

  /** Appends one node with `outputCount` outputs and returns their names. */
  opMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes?: Record<string, AttributeValue>,
    domain?: string,
  ): string[] {
    const base = this.freshName(opType.toLowerCase());
    const outputs = Array.from({ length: outputCount }, (_, index) =>
      outputCount === 1 ? base : `${base}_${index}`,
    );
    this.nodes.push({
      opType,
      inputs,
      outputs,
      name: `node_${base}`,
      ...(attributes ? { attributes } : {}),
      ...(domain ? { domain } : {}),
    });
    return outputs;
  }

  /** The finished graph, ready for `serializeModel`. */
  build(opsetVersion = 17): ModelSpec {
    return {
      graphName: this.graphName,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      opsetVersion,
    };
  }

  private constant(
    hint: string,
    dataType: Initializer["dataType"],
    dims: readonly number[],
    data: Initializer["data"],
  ): string {
    const name = this.freshName(hint);
    this.initializers.push({ name, dataType, dims, data });
    return name;
  }

  private freshName(hint: string): string {
    let name = hint;
    for (let suffix = 1; this.usedNames.has(name); suffix++) name = `${hint}_${suffix}`;
    this.usedNames.add(name);
    return name;
  }
}

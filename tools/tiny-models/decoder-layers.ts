import { LINEAR_DIMS, linearConvChannels, TEXT_DIMS } from "./family-specs.js";
import type { GraphBuilder } from "./graph-builder.js";
import { DataType, type ValueInfo } from "./onnx-writer.js";

/** Tensors every decoder layer reads, built once per graph. */
export interface DecoderContext {
  graph: GraphBuilder;
  /** Additive attention bias [batch, 1, sequence, total]: 0 where allowed, -1e4 for padding or future keys. */
  attentionBias: string;
  /** Causal 0/1 mask [sequence, sequence] over the new tokens, for the linear-attention recurrence. */
  causalMask: string;
}

/** A cache tensor the layer emits: its graph output declaration and the node that produces it. */
export interface CacheOutput {
  info: ValueInfo;
  from: string;
}

/** Result of one decoder layer. */
export interface LayerResult {
  hidden: string;
  cacheOutputs: CacheOutput[];
}

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** Pre-norm residual block: hidden + sublayer(LayerNorm(hidden)). */
function residual(context: DecoderContext, hidden: string, sublayer: (normalized: string) => string): string {
  const { graph } = context;
  const normalized = graph.layerNorm(hidden, TEXT_DIMS.hidden);
  return graph.op("Add", [hidden, sublayer(normalized)]);
}

/** [batch, sequence, heads·dim] → [batch, heads, sequence, dim]. */
function splitHeads(graph: GraphBuilder, tensor: string, heads: number, dim: number): string {
  const reshaped = graph.op("Reshape", [tensor, graph.ints("heads_shape", [4], [0, 0, heads, dim])]);
  return graph.op("Transpose", [reshaped], { perm: [0, 2, 1, 3] });
}

/** [batch, heads, sequence, dim] → [batch, sequence, heads·dim]. */
function mergeHeads(graph: GraphBuilder, tensor: string, width: number): string {
  const transposed = graph.op("Transpose", [tensor], { perm: [0, 2, 1, 3] });
  return graph.op("Reshape", [transposed, graph.ints("merge_shape", [3], [0, 0, width])]);
}

/** MLP W2·silu(W1·x); the real models use SwiGLU, one projection fewer changes nothing here. */
function mlp(graph: GraphBuilder, normalized: string): string {
  const up = graph.op("MatMul", [
    normalized,
    graph.weight("mlp_up", [TEXT_DIMS.hidden, TEXT_DIMS.intermediate], 0.3),
  ]);
  const activated = graph.op("Mul", [up, graph.op("Sigmoid", [up])]);
  return graph.op("MatMul", [
    activated,
    graph.weight("mlp_down", [TEXT_DIMS.intermediate, TEXT_DIMS.hidden], 0.3),
  ]);
}

/**
 * A softmax-attention layer with a key/value cache: inputs `past_key_values.{i}.key|value`
 * [batch_size, kv_heads, past_sequence_length, head_dim], outputs `present.{i}.key|value` with the new
 * tokens appended along the sequence axis (the names transformers.js maps back to past_key_values).
 */
export function fullAttentionLayer(context: DecoderContext, hidden: string, layer: number): LayerResult {
  const { graph } = context;
  const { heads, kvHeads, headDim, hidden: width } = TEXT_DIMS;
  const cacheShape = (length: string) => ["batch_size", kvHeads, length, headDim];
  const pastKey = graph.input({
    name: `past_key_values.${layer}.key`,
    dataType: DataType.FLOAT,
    shape: cacheShape("past_sequence_length"),
  });
  const pastValue = graph.input({
    name: `past_key_values.${layer}.value`,
    dataType: DataType.FLOAT,
    shape: cacheShape("past_sequence_length"),
  });
  const cacheOutputs: CacheOutput[] = [];

  const attended = residual(context, hidden, (normalized) => {
    const project = (name: string, count: number) =>
      splitHeads(
        graph,
        graph.op("MatMul", [normalized, graph.weight(name, [width, count * headDim], 0.3)]),
        count,
        headDim,
      );
    const query = project("q_proj", heads);
    const key = graph.op("Concat", [pastKey, project("k_proj", kvHeads)], { axis: 2 });
    const value = graph.op("Concat", [pastValue, project("v_proj", kvHeads)], { axis: 2 });
    for (const [kind, tensor] of [
      ["key", key],
      ["value", value],
    ] as const) {
      cacheOutputs.push({
        info: {
          name: `present.${layer}.${kind}`,
          dataType: DataType.FLOAT,
          shape: cacheShape("total_sequence_length"),
        },
        from: tensor,
      });
    }
    // Grouped-query attention: the single kv head broadcasts over the query heads in MatMul.
    const scores = graph.op("MatMul", [query, graph.op("Transpose", [key], { perm: [0, 1, 3, 2] })]);
    const scaled = graph.op("Mul", [scores, graph.floats("attention_scale", [], [1 / Math.sqrt(headDim)])]);
    const probabilities = graph.op("Softmax", [graph.op("Add", [scaled, context.attentionBias])], {
      axis: -1,
    });
    const mixed = mergeHeads(graph, graph.op("MatMul", [probabilities, value]), heads * headDim);
    return graph.op("MatMul", [mixed, graph.weight("o_proj", [heads * headDim, width], 0.3)]);
  });
  return { hidden: residual(context, attended, (normalized) => mlp(graph, normalized)), cacheOutputs };
}

/**
 * A linear-attention layer in the shape of Qwen3.5's Gated DeltaNet, simplified to plain linear
 * attention so that a parallel prefill and token-by-token decoding give the same result:
 * a depthwise causal convolution over the mixed q/k/v projection whose last `kernel` inputs are the
 * conv state (`past_conv.{i}` / `present_conv.{i}`: [batch_size, conv_channels, kernel]), then
 * o_t = q_t·S_{t} with S_t = S_{t-1} + k_tᵀv_t, whose final value is the recurrent state
 * (`past_recurrent.{i}` / `present_recurrent.{i}`: [batch_size, value_heads, key_dim, value_dim]).
 */
export function linearAttentionLayer(context: DecoderContext, hidden: string, layer: number): LayerResult {
  const { graph } = context;
  const { keyHeads, valueHeads, keyDim, valueDim, convKernel } = LINEAR_DIMS;
  const channels = linearConvChannels();
  const convShape = ["batch_size", channels, convKernel];
  const recurrentShape = ["batch_size", valueHeads, keyDim, valueDim];
  const pastConv = graph.input({ name: `past_conv.${layer}`, dataType: DataType.FLOAT, shape: convShape });
  const pastRecurrent = graph.input({
    name: `past_recurrent.${layer}`,
    dataType: DataType.FLOAT,
    shape: recurrentShape,
  });
  const cacheOutputs: CacheOutput[] = [];

  const attended = residual(context, hidden, (normalized) => {
    const mixed = graph.op("MatMul", [
      normalized,
      graph.weight("in_proj", [TEXT_DIMS.hidden, channels], 0.3),
    ]);
    // Time on the last axis, prefixed by the previous `kernel` inputs, so the convolution stays causal.
    const padded = graph.op("Concat", [pastConv, graph.op("Transpose", [mixed], { perm: [0, 2, 1] })], {
      axis: 2,
    });
    const axis2 = graph.ints("time_axis", [1], [2]);
    const end = graph.ints("end", [1], [INT64_MAX]);
    const newConv = graph.op("Slice", [padded, graph.ints("keep_last", [1], [-convKernel]), end, axis2]);
    cacheOutputs.push({
      info: { name: `present_conv.${layer}`, dataType: DataType.FLOAT, shape: convShape },
      from: newConv,
    });
    const convolved = graph.op(
      "Conv",
      [padded, graph.weight("conv_weight", [channels, 1, convKernel], 0.5)],
      {
        group: channels,
        kernel_shape: [convKernel],
      },
    );
    // The convolution yields sequence + 1 windows; the first one ends on the last cached input, not a new token.
    const windows = graph.op("Slice", [convolved, graph.ints("skip_first", [1], [1]), end, axis2]);
    const activated = graph.op("Transpose", [graph.op("Mul", [windows, graph.op("Sigmoid", [windows])])], {
      perm: [0, 2, 1],
    });
    const splitSizes = graph.ints(
      "qkv_split",
      [3],
      [keyHeads * keyDim, keyHeads * keyDim, valueHeads * valueDim],
    );
    const [queryFlat, keyFlat, valueFlat] = graph.opMulti("Split", [activated, splitSizes], 3, {
      axis: 2,
    }) as [string, string, string];
    const query = graph.op("Mul", [
      splitHeads(graph, queryFlat, keyHeads, keyDim),
      graph.floats("query_scale", [], [1 / Math.sqrt(keyDim)]),
    ]);
    const key = splitHeads(graph, keyFlat, keyHeads, keyDim);
    const value = splitHeads(graph, valueFlat, valueHeads, valueDim);
    const keyT = graph.op("Transpose", [key], { perm: [0, 1, 3, 2] });
    const intraChunk = graph.op("MatMul", [
      graph.op("Mul", [graph.op("MatMul", [query, keyT]), context.causalMask]),
      value,
    ]);
    const fromState = graph.op("MatMul", [query, pastRecurrent]);
    const newState = graph.op("Add", [pastRecurrent, graph.op("MatMul", [keyT, value])]);
    cacheOutputs.push({
      info: { name: `present_recurrent.${layer}`, dataType: DataType.FLOAT, shape: recurrentShape },
      from: newState,
    });
    const output = mergeHeads(graph, graph.op("Add", [intraChunk, fromState]), valueHeads * valueDim);
    // The real layer ends in a gated RMSNorm; a LayerNorm keeps the growing state sums bounded here too.
    const normalizedOutput = graph.layerNorm(output, valueHeads * valueDim);
    return graph.op("MatMul", [
      normalizedOutput,
      graph.weight("out_proj", [valueHeads * valueDim, TEXT_DIMS.hidden], 0.3),
    ]);
  });
  return { hidden: residual(context, attended, (normalized) => mlp(graph, normalized)), cacheOutputs };
}

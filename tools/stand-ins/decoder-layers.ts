import { DataType, type ValueInfo } from "../tiny-models/onnx-writer.js";
import type { StandInGraph } from "./stand-in-graph.js";
import { convChannels, type TextShape } from "./stand-in-specs.js";

/** Tensors every decoder layer reads, built once per graph. */
export interface LayerContext {
  standIn: StandInGraph;
  text: TextShape;
  /** Additive attention bias [batch, 1, 1, sequence, total]: 0 where a key is visible, -1e4 elsewhere. */
  attentionBias: string;
  /** Causal 0/1 mask [sequence, sequence] over the new tokens, for the linear-attention recurrence. */
  causalMask: string;
}

/** A cache tensor a layer emits: its graph output declaration and the node that produces it. */
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

/** [batch, sequence, heads·dim] → [batch, heads, sequence, dim]. */
function splitHeads(context: LayerContext, tensor: string, heads: number, dim: number): string {
  const { graph } = context.standIn;
  const reshaped = graph.op("Reshape", [tensor, graph.ints("heads_shape", [4], [0, 0, heads, dim])]);
  return graph.op("Transpose", [reshaped], { perm: [0, 2, 1, 3] });
}

/** Pre-norm SwiGLU MLP with its residual: hidden + down(silu(gate(x)) · up(x)), all three 4-bit. */
function mlpBlock(context: LayerContext, hidden: string, prefix: string): string {
  const { standIn, text } = context;
  const { graph } = standIn;
  const normalized = graph.layerNorm(hidden, text.hidden);
  const gate = standIn.linear("q4", normalized, text.hidden, text.intermediate, `${prefix}.mlp.gate_proj`);
  const up = standIn.linear("q4", normalized, text.hidden, text.intermediate, `${prefix}.mlp.up_proj`);
  const activated = graph.op("Mul", [graph.op("Mul", [gate, graph.op("Sigmoid", [gate])]), up]);
  const down = standIn.linear("q4", activated, text.intermediate, text.hidden, `${prefix}.mlp.down_proj`);
  return graph.op("Add", [hidden, down]);
}

/**
 * Grouped-query softmax attention with a key/value cache (`past_key_values.{i}.key|value` in,
 * `present.{i}.key|value` out, [batch_size, kv_heads, sequence, head_dim]), the projections 4-bit, then the
 * MLP. With Qwen3.5's output gate, q_proj is twice as wide and its second half gates the attention output.
 * Rotary embedding and q/k norms are left out: elementwise work that is small next to the projections.
 */
export function fullAttentionLayer(context: LayerContext, hidden: string, layer: number): LayerResult {
  const { standIn, text } = context;
  const { graph } = standIn;
  const { heads, kvHeads, headDim } = text;
  const prefix = `layers.${layer}`;
  const cacheShape = (length: string) => ["batch_size", kvHeads, length, headDim];
  const past = (kind: string) =>
    graph.input({
      name: `past_key_values.${layer}.${kind}`,
      dataType: DataType.FLOAT,
      shape: cacheShape("past_sequence_length"),
    });
  const pastKey = past("key");
  const pastValue = past("value");

  const normalized = graph.layerNorm(hidden, text.hidden);
  const queryWidth = heads * headDim;
  const gated = text.attentionOutputGate;
  const queryProjection = standIn.linear(
    "q4",
    normalized,
    text.hidden,
    queryWidth * (gated ? 2 : 1),
    `${prefix}.self_attn.q_proj`,
  );
  const [query, gate] = gated
    ? (graph.opMulti("Split", [queryProjection, graph.ints("q_split", [2], [queryWidth, queryWidth])], 2, {
        axis: -1,
      }) as [string, string])
    : [queryProjection, undefined];
  // Query heads grouped by the kv head they share: [batch, kv, group, sequence, head_dim].
  const groups = heads / kvHeads;
  const grouped = graph.op("Reshape", [query, graph.ints("q_shape", [5], [0, 0, kvHeads, groups, headDim])]);
  const queries = graph.op("Transpose", [grouped], { perm: [0, 2, 3, 1, 4] });
  const project = (name: string) =>
    splitHeads(
      context,
      standIn.linear("q4", normalized, text.hidden, kvHeads * headDim, `${prefix}.self_attn.${name}`),
      kvHeads,
      headDim,
    );
  const key = graph.op("Concat", [pastKey, project("k_proj")], { axis: 2 });
  const value = graph.op("Concat", [pastValue, project("v_proj")], { axis: 2 });
  const cacheOutputs: CacheOutput[] = (
    [
      ["key", key],
      ["value", value],
    ] as const
  ).map(([kind, from]) => ({
    info: {
      name: `present.${layer}.${kind}`,
      dataType: DataType.FLOAT,
      shape: cacheShape("total_sequence_length"),
    },
    from,
  }));

  const axis2 = graph.ints("axis2", [1], [2]);
  const keysT = graph.op("Transpose", [graph.op("Unsqueeze", [key, axis2])], { perm: [0, 1, 2, 4, 3] });
  const scores = graph.op("Mul", [
    graph.op("MatMul", [queries, keysT]),
    graph.floats("attention_scale", [], [1 / Math.sqrt(headDim)]),
  ]);
  const probabilities = graph.op("Softmax", [graph.op("Add", [scores, context.attentionBias])], { axis: -1 });
  const mixed = graph.op("MatMul", [probabilities, graph.op("Unsqueeze", [value, axis2])]);
  let attended = graph.op("Reshape", [
    graph.op("Transpose", [mixed], { perm: [0, 3, 1, 2, 4] }),
    graph.ints("merge_shape", [3], [0, 0, queryWidth]),
  ]);
  if (gate) attended = graph.op("Mul", [attended, graph.op("Sigmoid", [gate])]);
  const output = standIn.linear("q4", attended, queryWidth, text.hidden, `${prefix}.self_attn.o_proj`);
  return { hidden: mlpBlock(context, graph.op("Add", [hidden, output]), prefix), cacheOutputs };
}

/**
 * A Gated DeltaNet layer with Qwen3.5's projections (in_proj_qkv, in_proj_z, in_proj_b, in_proj_a,
 * out_proj; 4-bit), its depthwise causal conv whose last `kernel` inputs are `past_conv.{i}`
 * [batch_size, conv_channels, kernel], and a recurrent state `past_recurrent.{i}` [batch_size, value_heads,
 * key_dim, value_dim] that decays and takes kᵀ·(β·v) each step. The delta rule's correction term is left
 * out so that prefill can use the parallel form (q·kᵀ masked)·v: per decoded token the cost is the same
 * order — a few passes over a 16×128×128 state — which is small next to the projections.
 */
export function linearAttentionLayer(context: LayerContext, hidden: string, layer: number): LayerResult {
  const { standIn, text } = context;
  const { graph } = standIn;
  const linear = text.linear;
  if (!linear || linear.keyHeads !== linear.valueHeads)
    throw new Error("linear attention needs as many key heads as value heads here");
  const { keyHeads, valueHeads, keyDim, valueDim, convKernel } = linear;
  const prefix = `layers.${layer}.linear_attn`;
  const channels = convChannels(linear);
  const convShape = ["batch_size", channels, convKernel];
  const recurrentShape = ["batch_size", valueHeads, keyDim, valueDim];
  const pastConv = graph.input({ name: `past_conv.${layer}`, dataType: DataType.FLOAT, shape: convShape });
  const pastRecurrent = graph.input({
    name: `past_recurrent.${layer}`,
    dataType: DataType.FLOAT,
    shape: recurrentShape,
  });

  const normalized = graph.layerNorm(hidden, text.hidden);
  const project = (width: number, name: string) =>
    standIn.linear("q4", normalized, text.hidden, width, `${prefix}.${name}`);
  const mixed = project(channels, "in_proj_qkv");
  const outputGate = project(valueHeads * valueDim, "in_proj_z");
  const beta = graph.op("Sigmoid", [project(valueHeads, "in_proj_b")]);
  const decayInput = project(valueHeads, "in_proj_a");

  const axis2 = graph.ints("time_axis", [1], [2]);
  const end = graph.ints("end", [1], [INT64_MAX]);
  const padded = graph.op("Concat", [pastConv, graph.op("Transpose", [mixed], { perm: [0, 2, 1] })], {
    axis: 2,
  });
  const newConv = graph.op("Slice", [padded, graph.ints("keep_last", [1], [-convKernel]), end, axis2]);
  const convolved = graph.op(
    "Conv",
    [padded, standIn.table(`${prefix}.conv1d.weight`, [channels, 1, convKernel])],
    {
      group: channels,
      kernel_shape: [convKernel],
    },
  );
  // sequence + 1 windows come out; the first ends on the last cached input rather than a new token.
  const windows = graph.op("Slice", [convolved, graph.ints("skip_first", [1], [1]), end, axis2]);
  const activated = graph.op("Transpose", [graph.op("Mul", [windows, graph.op("Sigmoid", [windows])])], {
    perm: [0, 2, 1],
  });
  const sizes = graph.ints("qkv_split", [3], [keyHeads * keyDim, keyHeads * keyDim, valueHeads * valueDim]);
  const [queryFlat, keyFlat, valueFlat] = graph.opMulti("Split", [activated, sizes], 3, { axis: 2 }) as [
    string,
    string,
    string,
  ];
  const query = graph.op("Mul", [
    splitHeads(context, queryFlat, keyHeads, keyDim),
    graph.floats("query_scale", [], [1 / Math.sqrt(keyDim)]),
  ]);
  const keysT = graph.op("Transpose", [splitHeads(context, keyFlat, keyHeads, keyDim)], {
    perm: [0, 1, 3, 2],
  });
  const betaPerHead = graph.op("Unsqueeze", [
    graph.op("Transpose", [beta], { perm: [0, 2, 1] }),
    graph.ints("last", [1], [3]),
  ]);
  const values = graph.op("Mul", [splitHeads(context, valueFlat, valueHeads, valueDim), betaPerHead]);

  const intraChunk = graph.op("MatMul", [
    graph.op("Mul", [graph.op("MatMul", [query, keysT]), context.causalMask]),
    values,
  ]);
  const fromState = graph.op("MatMul", [query, pastRecurrent]);
  const decay = graph.op("Unsqueeze", [
    graph.op("Sigmoid", [graph.op("ReduceMean", [decayInput], { axes: [1], keepdims: 0 })]),
    graph.ints("axes23", [2], [2, 3]),
  ]);
  const newState = graph.op("Add", [
    graph.op("Mul", [pastRecurrent, decay]),
    graph.op("MatMul", [keysT, values]),
  ]);
  const cacheOutputs: CacheOutput[] = [
    { info: { name: `present_conv.${layer}`, dataType: DataType.FLOAT, shape: convShape }, from: newConv },
    {
      info: { name: `present_recurrent.${layer}`, dataType: DataType.FLOAT, shape: recurrentShape },
      from: newState,
    },
  ];

  // Gated RMSNorm per head (a LayerNorm here), times silu(z), then out_proj.
  const heads = graph.op("Transpose", [graph.op("Add", [intraChunk, fromState])], { perm: [0, 2, 1, 3] });
  const normalizedHeads = graph.op("Reshape", [
    graph.layerNorm(heads, valueDim),
    graph.ints("merge_shape", [3], [0, 0, valueHeads * valueDim]),
  ]);
  const gatedOutput = graph.op("Mul", [
    normalizedHeads,
    graph.op("Mul", [outputGate, graph.op("Sigmoid", [outputGate])]),
  ]);
  const output = standIn.linear("q4", gatedOutput, valueHeads * valueDim, text.hidden, `${prefix}.out_proj`);
  return { hidden: mlpBlock(context, graph.op("Add", [hidden, output]), `layers.${layer}`), cacheOutputs };
}

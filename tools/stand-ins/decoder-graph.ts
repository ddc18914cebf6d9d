import { DataType, type Initializer, type ModelSpec } from "../tiny-models/onnx-writer.js";
import {
  type CacheOutput,
  fullAttentionLayer,
  type LayerContext,
  linearAttentionLayer,
} from "./decoder-layers.js";
import type { StandInGraph } from "./stand-in-graph.js";
import type { TextShape } from "./stand-in-specs.js";

const MASKED = 1e4;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/**
 * `decoder_model_merged_q4.onnx` at full size: the inputs and outputs transformers.js 4.3.1 feeds and reads
 * (see tools/tiny-models/README.md, "Forward pass" and "Caches"), every projection and the tied lm_head as
 * 4-bit MatMulNBits. `logitBias` is added to the logits: the generator masks the end-of-sequence ids and
 * the vocabulary rows without a token, so that greedy decoding of random weights always runs to
 * `max_new_tokens` and every benchmark run decodes the same number of tokens.
 */
export function buildStandInDecoder(
  standIn: StandInGraph,
  text: TextShape,
  logitBias: Float32Array,
): ModelSpec {
  const { graph } = standIn;
  const embeds = graph.input({
    name: "inputs_embeds",
    dataType: DataType.FLOAT,
    shape: ["batch_size", "sequence_length", text.hidden],
  });
  const attentionMask = graph.input({
    name: "attention_mask",
    dataType: DataType.INT64,
    shape: ["batch_size", "total_sequence_length"],
  });
  const positionIds = graph.input({
    name: "position_ids",
    dataType: DataType.INT64,
    shape: [3, "batch_size", "sequence_length"],
  });
  // Positions enter as an additive sinusoid of the three rope rows: rotary embedding's cost is elementwise
  // and small, this keeps the input real without modelling it.
  const positions = graph.op("Transpose", [graph.op("Cast", [positionIds], { to: DataType.FLOAT })], {
    perm: [1, 2, 0],
  });
  const frequencies = graph.floats(
    "position_frequency",
    [3, text.hidden],
    graph.random.uniforms(3 * text.hidden, 0.02, 0.3),
  );
  let hidden = graph.op("Add", [embeds, graph.op("Sin", [graph.op("MatMul", [positions, frequencies])])]);

  const context: LayerContext = { standIn, text, ...masks(standIn, embeds, attentionMask) };
  const cacheOutputs: CacheOutput[] = [];
  for (const [layer, layerType] of text.layerTypes.entries()) {
    const result =
      layerType === "full_attention"
        ? fullAttentionLayer(context, hidden, layer)
        : linearAttentionLayer(context, hidden, layer);
    hidden = result.hidden;
    cacheOutputs.push(...result.cacheOutputs);
  }

  // transformers.js sends num_logits_to_keep = 1 while generating when the session lists it: the
  // 2048 × 248,320 head then runs on the last position only, not on the whole prompt.
  const logitsToKeep = graph.input({ name: "num_logits_to_keep", dataType: DataType.INT64, shape: [] });
  const keepStart = graph.op("Unsqueeze", [graph.op("Neg", [logitsToKeep]), graph.ints("axis0", [1], [0])]);
  const kept = graph.op("Slice", [
    hidden,
    keepStart,
    graph.ints("end", [1], [INT64_MAX]),
    graph.ints("seq_axis", [1], [1]),
  ]);
  const head = standIn.linear("q4", graph.layerNorm(kept, text.hidden), text.hidden, text.vocab, "lm_head");
  const logits = graph.op("Add", [head, standIn.values("logit_bias", [text.vocab], logitBias)]);
  graph.output(
    { name: "logits", dataType: DataType.FLOAT, shape: ["batch_size", "logits_length", text.vocab] },
    logits,
  );
  for (const { info, from } of cacheOutputs) graph.output(info, from);
  return standIn.build();
}

/** The padding-and-causal attention bias and the causal 0/1 mask, shared by all layers. */
function masks(standIn: StandInGraph, embeds: string, attentionMask: string) {
  const { graph } = standIn;
  const newLength = graph.op("Shape", [embeds], { start: 1, end: 2 });
  const totalLength = graph.op("Shape", [attentionMask], { start: 1, end: 2 });
  const pastLength = graph.op("Squeeze", [
    graph.op("Sub", [totalLength, newLength]),
    graph.ints("axis0", [1], [0]),
  ]);
  const one: Initializer = { name: "value", dataType: DataType.FLOAT, dims: [1], data: Float32Array.of(1) };
  const ones = (rows: string, columns: string) =>
    graph.op("ConstantOfShape", [graph.op("Concat", [rows, columns], { axis: 0 })], {
      value: { tensor: one },
    });
  const toBias = (allowed: string) =>
    graph.op("Mul", [
      graph.op("Sub", [allowed, graph.floats("one", [], [1])]),
      graph.floats("masked", [], [MASKED]),
    ]);
  // New token i sits at position past + i and sees keys 0..past + i: a lower triangle shifted by past.
  const causal = graph.op("Trilu", [ones(newLength, totalLength), pastLength], { upper: 0 });
  const padding = graph.op("Unsqueeze", [
    graph.op("Cast", [attentionMask], { to: DataType.FLOAT }),
    graph.ints("axes12", [2], [1, 2]),
  ]);
  // [batch, 1, sequence, total] → [batch, 1, 1, sequence, total], to broadcast over kv heads and groups.
  const attentionBias = graph.op("Unsqueeze", [
    graph.op("Add", [toBias(padding), toBias(causal)]),
    graph.ints("axis2", [1], [2]),
  ]);
  const causalMask = graph.op("Trilu", [ones(newLength, newLength)], { upper: 0 });
  return { attentionBias, causalMask };
}

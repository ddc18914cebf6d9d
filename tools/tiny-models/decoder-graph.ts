import { type DecoderContext, fullAttentionLayer, linearAttentionLayer } from "./decoder-layers.js";
import { type FamilySpec, TEXT_DIMS } from "./family-specs.js";
import { GraphBuilder, type SeededRandom } from "./graph-builder.js";
import { DataType, type Initializer, type ModelSpec } from "./onnx-writer.js";

const MASKED = 1e4;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/**
 * `decoder_model_merged.onnx`, the one decoder session transformers.js uses for both prefill and
 * decoding ("merged": an empty past works as no past). Inputs, in the names transformers.js feeds:
 * - inputs_embeds [batch_size, sequence_length, hidden] float32 (text embeddings with image features merged in)
 * - attention_mask [batch_size, total_sequence_length] int64
 * - position_ids [3, batch_size, sequence_length] int64 (multimodal rope: temporal, height, width rows)
 * - one cache group per entry of `layerTypes` (see decoder-layers.ts)
 * - num_logits_to_keep [] int64: when the session lists it, transformers.js sends 1 while generating, so
 *   only the last position's logits are computed (0 means all positions)
 * Outputs: logits [batch_size, logits_length, vocab] float32 and the present caches.
 * `tokenizerSize` ids and above (the padding rows of the vocabulary) get a -1e4 bias: real models never
 * emit ids without a token, and neither should the tiny one.
 */
export function buildDecoderGraph(spec: FamilySpec, random: SeededRandom, tokenizerSize: number): ModelSpec {
  const graph = new GraphBuilder("decoder_model_merged", random);
  const embeds = graph.input({
    name: "inputs_embeds",
    dataType: DataType.FLOAT,
    shape: ["batch_size", "sequence_length", TEXT_DIMS.hidden],
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

  // Positions enter as an additive sinusoid of all three rope rows, so cached decoding sees them too.
  const positions = graph.op("Transpose", [graph.op("Cast", [positionIds], { to: DataType.FLOAT })], {
    perm: [1, 2, 0],
  });
  const positionWeights = graph.floats(
    "position_frequency",
    [3, TEXT_DIMS.hidden],
    random.uniforms(3 * TEXT_DIMS.hidden, 0.02, 0.3),
  );
  let hidden = graph.op("Add", [embeds, graph.op("Sin", [graph.op("MatMul", [positions, positionWeights])])]);

  const context = buildMasks(graph, embeds, attentionMask);
  const cacheOutputs = [];
  for (const [layer, layerType] of spec.layerTypes.entries()) {
    const result =
      layerType === "full_attention"
        ? fullAttentionLayer(context, hidden, layer)
        : linearAttentionLayer(context, hidden, layer);
    hidden = result.hidden;
    cacheOutputs.push(...result.cacheOutputs);
  }

  const logitsToKeep = graph.input({ name: "num_logits_to_keep", dataType: DataType.INT64, shape: [] });
  const keepStart = graph.op("Unsqueeze", [graph.op("Neg", [logitsToKeep]), graph.ints("axis0", [1], [0])]);
  const kept = graph.op("Slice", [
    hidden,
    keepStart,
    graph.ints("end", [1], [INT64_MAX]),
    graph.ints("seq_axis", [1], [1]),
  ]);
  const finalNorm = graph.layerNorm(kept, TEXT_DIMS.hidden);
  const logits = graph.op("Add", [
    graph.op("MatMul", [finalNorm, languageModelHead(graph, spec.vocabSize)]),
    vocabularyBias(graph, spec.vocabSize, tokenizerSize),
  ]);
  graph.output(
    { name: "logits", dataType: DataType.FLOAT, shape: ["batch_size", "logits_length", spec.vocabSize] },
    logits,
  );
  for (const { info, from } of cacheOutputs) graph.output(info, from);
  return graph.build();
}

/** Padding and causal masks shared by all layers. */
function buildMasks(graph: GraphBuilder, embeds: string, attentionMask: string): DecoderContext {
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

  // New token i sits at position past + i and may see keys 0..past + i: a lower triangle shifted by past.
  const causal = graph.op("Trilu", [ones(newLength, totalLength), pastLength], { upper: 0 });
  const padding = graph.op("Unsqueeze", [
    graph.op("Cast", [attentionMask], { to: DataType.FLOAT }),
    graph.ints("axes12", [2], [1, 2]),
  ]);
  const attentionBias = graph.op("Add", [toBias(padding), toBias(causal)]);
  const causalMask = graph.op("Trilu", [ones(newLength, newLength)], { upper: 0 });
  return { graph, attentionBias, causalMask };
}

/** The [hidden, vocab] output projection, computed in the graph (sin of a ramp) so the file stays tiny. */
function languageModelHead(graph: GraphBuilder, vocabSize: number): string {
  const { hidden } = TEXT_DIMS;
  const ramp = graph.op("Unsqueeze", [tokenRamp(graph, vocabSize), graph.ints("axis0", [1], [0])]);
  const frequency = graph.floats("head_frequency", [hidden, 1], graph.random.uniforms(hidden, 0.5, 1.5));
  const phase = graph.floats("head_phase", [hidden, 1], graph.random.uniforms(hidden, 0, 2 * Math.PI));
  return graph.op("Sin", [graph.op("Add", [graph.op("Mul", [frequency, ramp]), phase])]);
}

/** 0 for ids the tokenizer knows, -1e4 for the vocabulary's padding rows. */
function vocabularyBias(graph: GraphBuilder, vocabSize: number, tokenizerSize: number): string {
  const known = graph.op("Less", [
    tokenRamp(graph, vocabSize),
    graph.floats("tokenizer_size", [], [tokenizerSize]),
  ]);
  const knownAsFloat = graph.op("Cast", [known], { to: DataType.FLOAT });
  return graph.op("Mul", [
    graph.op("Sub", [knownAsFloat, graph.floats("one", [], [1])]),
    graph.floats("masked", [], [MASKED]),
  ]);
}

/** [0, 1, …, vocab − 1] as float32 (exact: every id is below 2²⁴). */
function tokenRamp(graph: GraphBuilder, vocabSize: number): string {
  return graph.op("Range", [
    graph.floats("zero", [], [0]),
    graph.floats("vocab", [], [vocabSize]),
    graph.floats("one", [], [1]),
  ]);
}

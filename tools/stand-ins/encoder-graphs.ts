import { DataType, type ModelSpec } from "../tiny-models/onnx-writer.js";
import type { LinearKind, StandInGraph } from "./stand-in-graph.js";
import type { StandInSpec } from "./stand-in-specs.js";

/** Channels × temporal patch (2) × patch² : 1536 for patch 16. */
export function patchVectorSize(spec: StandInSpec): number {
  return 3 * 2 * spec.vision.patchSize * spec.vision.patchSize;
}

/**
 * `embed_tokens_q4.onnx`: input_ids [batch_size, sequence_length] → inputs_embeds, rows of a 4-bit
 * [vocab, hidden] table. The current onnx-community exports store it 4-bit: Qwen3-VL-2B-Instruct-ONNX's
 * embed_tokens_q4.onnx_data is 199 MB, i.e. 151,936 × 2048 × (½ byte + 4 bytes per 32) — see the sources in
 * src/backends/native/registry.ts. (Older q4 exports kept a float32 Gather: 4× the memory.)
 */
export function buildStandInEmbedTokens(standIn: StandInGraph, spec: StandInSpec): ModelSpec {
  const { graph } = standIn;
  const ids = graph.input({
    name: "input_ids",
    dataType: DataType.INT64,
    shape: ["batch_size", "sequence_length"],
  });
  graph.output(
    {
      name: "inputs_embeds",
      dataType: DataType.FLOAT,
      shape: ["batch_size", "sequence_length", spec.text.hidden],
    },
    standIn.q4Gather(ids, spec.text.vocab, spec.text.hidden, "embed_tokens"),
  );
  return standIn.build();
}

/**
 * `vision_encoder[_quantized|_q4].onnx`: pixel_values [num_patches, 3·2·patch²] and image_grid_thw [num_images, 3] →
 * image_features [num_patches / 4, text hidden]. A ViT with the tower's real sizes — patch embedding,
 * `depth` pre-norm blocks of full softmax attention over all patches and a GELU MLP — then the 2×2 patch
 * merger, plus one more merger per deepstack block whose result is added in (where a Qwen3-VL export puts
 * those features is invisible to transformers.js; only their cost matters here). Position embeddings and
 * rotary terms are elementwise and left out. `kind` chooses float32, 8-bit or 4-bit weights.
 */
export function buildStandInVisionEncoder(
  standIn: StandInGraph,
  spec: StandInSpec,
  kind: LinearKind,
): ModelSpec {
  const { graph } = standIn;
  const { depth, hidden, intermediate, heads, outHidden, deepstackIndexes } = spec.vision;
  const headDim = hidden / heads;
  const pixels = graph.input({
    name: "pixel_values",
    dataType: DataType.FLOAT,
    shape: ["num_patches", patchVectorSize(spec)],
  });
  const grid = graph.input({ name: "image_grid_thw", dataType: DataType.INT64, shape: ["num_images", 3] });
  const linear = (input: string, inFeatures: number, outFeatures: number, name: string) =>
    standIn.linear(kind, input, inFeatures, outFeatures, name);
  const gelu = (input: string) => graph.op("Gelu", [input], undefined, "com.microsoft");

  // The grid enters the result times zero, so it stays a real input as in the exports.
  const gridTerm = graph.op("Mul", [
    graph.op("ReduceSum", [graph.op("Cast", [grid], { to: DataType.FLOAT })], { keepdims: 0 }),
    graph.floats("zero", [], [0]),
  ]);
  let x = graph.op("Add", [linear(pixels, patchVectorSize(spec), hidden, "patch_embed"), gridTerm]);

  const merger = (input: string, name: string, normWidth: number) => {
    const merged = graph.op("Reshape", [input, graph.ints("merge_shape", [2], [-1, 4 * hidden])]);
    const normalized = normWidth === hidden ? merged : graph.layerNorm(merged, normWidth);
    const expanded = gelu(linear(normalized, 4 * hidden, 4 * hidden, `${name}.fc1`));
    return linear(expanded, 4 * hidden, outHidden, `${name}.fc2`);
  };
  const toHeads = graph.ints("to_heads", [3], [-1, heads, headDim]);
  const deepstack: string[] = [];
  for (let block = 0; block < depth; block++) {
    const prefix = `blocks.${block}`;
    const normalized = graph.layerNorm(x, hidden);
    const [query, key, value] = graph.opMulti(
      "Split",
      [
        linear(normalized, hidden, 3 * hidden, `${prefix}.attn.qkv`),
        graph.ints("qkv_split", [3], [hidden, hidden, hidden]),
      ],
      3,
      { axis: -1 },
    ) as [string, string, string];
    const perHead = (tensor: string, perm: number[]) =>
      graph.op("Transpose", [graph.op("Reshape", [tensor, toHeads])], { perm });
    const scores = graph.op("Mul", [
      graph.op("MatMul", [perHead(query, [1, 0, 2]), perHead(key, [1, 2, 0])]),
      graph.floats("scale", [], [1 / Math.sqrt(headDim)]),
    ]);
    const mixed = graph.op("MatMul", [
      graph.op("Softmax", [scores], { axis: -1 }),
      perHead(value, [1, 0, 2]),
    ]);
    const flat = graph.op("Reshape", [
      graph.op("Transpose", [mixed], { perm: [1, 0, 2] }),
      graph.ints("to_flat", [2], [-1, hidden]),
    ]);
    x = graph.op("Add", [x, linear(flat, hidden, hidden, `${prefix}.attn.proj`)]);
    const expanded = gelu(linear(graph.layerNorm(x, hidden), hidden, intermediate, `${prefix}.mlp.fc1`));
    x = graph.op("Add", [x, linear(expanded, intermediate, hidden, `${prefix}.mlp.fc2`)]);
    if (deepstackIndexes.includes(block))
      deepstack.push(merger(x, `deepstack_merger.${deepstackIndexes.indexOf(block)}`, 4 * hidden));
  }
  let features = merger(graph.layerNorm(x, hidden), "merger", hidden);
  for (const extra of deepstack) features = graph.op("Add", [features, extra]);
  graph.output(
    { name: "image_features", dataType: DataType.FLOAT, shape: ["num_image_tokens", outHidden] },
    features,
  );
  return standIn.build();
}

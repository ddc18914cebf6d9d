import { type FamilySpec, patchVectorSize, TEXT_DIMS, VISION_DIMS } from "./family-specs.js";
import { GraphBuilder, type SeededRandom } from "./graph-builder.js";
import { DataType, type ModelSpec } from "./onnx-writer.js";

/**
 * `embed_tokens.onnx`: input_ids [batch_size, sequence_length] (int64) → inputs_embeds
 * [batch_size, sequence_length, hidden] (float32); transformers.js runs it through `encode_text` and then
 * overwrites the rows of `<|image_pad|>` tokens with the vision features.
 * The embedding table is computed in the graph (sin(id·w + b)) instead of stored, so that a
 * 150k–250k-token vocabulary costs a few bytes rather than megabytes.
 */
export function buildEmbedTokensGraph(random: SeededRandom): ModelSpec {
  const graph = new GraphBuilder("embed_tokens", random);
  const inputIds = graph.input({
    name: "input_ids",
    dataType: DataType.INT64,
    shape: ["batch_size", "sequence_length"],
  });
  const ids = graph.op("Unsqueeze", [
    graph.op("Cast", [inputIds], { to: DataType.FLOAT }),
    graph.ints("axis", [1], [-1]),
  ]);
  const frequency = graph.floats(
    "frequency",
    [TEXT_DIMS.hidden],
    random.uniforms(TEXT_DIMS.hidden, 0.5, 1.5),
  );
  const phase = graph.floats("phase", [TEXT_DIMS.hidden], random.uniforms(TEXT_DIMS.hidden, 0, 2 * Math.PI));
  const embeds = graph.op("Sin", [graph.op("Add", [graph.op("Mul", [ids, frequency]), phase])]);
  graph.output(
    {
      name: "inputs_embeds",
      dataType: DataType.FLOAT,
      shape: ["batch_size", "sequence_length", TEXT_DIMS.hidden],
    },
    embeds,
  );
  return graph.build();
}

/**
 * `vision_encoder.onnx`: pixel_values [num_patches, 3·2·patch²] (float32, rows already ordered by the
 * processor so that each 2×2 merge group is contiguous) and image_grid_thw [num_images, 3] (int64:
 * temporal, height, width in patches) → image_features [num_patches / 4, hidden] (float32), one row
 * per `<|image_pad|>` token. The grid enters the result (times zero) so it stays a real input.
 */
export function buildVisionEncoderGraph(spec: FamilySpec, random: SeededRandom): ModelSpec {
  const graph = new GraphBuilder("vision_encoder", random);
  const patchSize = patchVectorSize(spec);
  const mergeGroup = VISION_DIMS.mergeSize * VISION_DIMS.mergeSize;
  const pixels = graph.input({
    name: "pixel_values",
    dataType: DataType.FLOAT,
    shape: ["num_patches", patchSize],
  });
  const grid = graph.input({ name: "image_grid_thw", dataType: DataType.INT64, shape: ["num_images", 3] });

  const patchEmbeds = graph.op("MatMul", [
    pixels,
    graph.weight("patch_embed", [patchSize, VISION_DIMS.embed], 0.05),
  ]);
  const normalized = graph.layerNorm(graph.op("Tanh", [patchEmbeds]), VISION_DIMS.embed);
  // Patch merger: four neighbouring patches become one token, projected to the text hidden size.
  const merged = graph.op("Reshape", [
    normalized,
    graph.ints("merge_shape", [2], [-1, mergeGroup * VISION_DIMS.embed]),
  ]);
  const projected = graph.op("MatMul", [
    merged,
    graph.weight("merger", [mergeGroup * VISION_DIMS.embed, TEXT_DIMS.hidden], 0.3),
  ]);
  const gridSum = graph.op("ReduceSum", [graph.op("Cast", [grid], { to: DataType.FLOAT })], { keepdims: 0 });
  const features = graph.op("Add", [projected, graph.op("Mul", [gridSum, graph.floats("zero", [], [0])])]);
  graph.output(
    { name: "image_features", dataType: DataType.FLOAT, shape: ["num_image_tokens", TEXT_DIMS.hidden] },
    features,
  );
  return graph.build();
}

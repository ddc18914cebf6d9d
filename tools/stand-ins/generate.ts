/**
 * Writes full-size random-weight *stand-ins* of real Qwen-VL checkpoints in the transformers.js layout:
 * the real matrix shapes, 4-bit MatMulNBits decoders as in onnx-community `_q4` exports, weights in
 * external `.onnx_data` files, several GB per model. Only their cost means anything: what they say is
 * noise. Used by bench/native.ts; see README.md in this folder.
 *
 * CLI: npx tsx tools/stand-ins/generate.ts [qwen3_5|qwen3_vl|all]   (folder: $QWEN_VLM_STAND_IN_DIR or
 * <tmpdir>/qwen-vlm-stand-ins; never inside the repository)
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generationConfig, modelConfig, preprocessorConfig } from "../tiny-models/config-files.js";
import { familySpec, TOKEN_IDS } from "../tiny-models/family-specs.js";
import { type ModelSpec, serializeModel } from "../tiny-models/onnx-writer.js";
import { tokenizerFiles } from "../tiny-models/tokenizer-files.js";
import { buildStandInDecoder } from "./decoder-graph.js";
import { buildStandInEmbedTokens, buildStandInVisionEncoder } from "./encoder-graphs.js";
import { StandInGraph, type StandInGraphOptions } from "./stand-in-graph.js";
import { isStandInFamily, STAND_IN_FAMILIES, type StandInFamily, standInSpec } from "./stand-in-specs.js";
import { ExternalDataWriter, WeightPatterns } from "./weight-sink.js";

export type { StandInFamily } from "./stand-in-specs.js";
export { STAND_IN_FAMILIES, standInSpec } from "./stand-in-specs.js";

/** Bump when the generated files change, so existing stand-ins get regenerated. */
export const STAND_IN_GENERATOR_VERSION = 2;

/** Where stand-ins go: `QWEN_VLM_STAND_IN_DIR`, else a folder in the system's temporary directory. */
export const STAND_IN_ROOT = process.env.QWEN_VLM_STAND_IN_DIR ?? path.join(tmpdir(), "qwen-vlm-stand-ins");

/**
 * The dtype per session the native runtime picks for these files on CPU (registry.ts CPU_DTYPE_PLAN): q4
 * embeddings and decoder, q8 vision encoder. The fp32 and q4 vision encoders are written too, to compare.
 */
export const STAND_IN_DTYPES = {
  embed_tokens: "q4",
  vision_encoder: "q8",
  decoder_model_merged: "q4",
} as const;

const STAMP_FILE = ".stand-in-version";

/** One written ONNX file. */
export interface WrittenFile {
  file: string;
  bytes: number;
}

async function writeSession(
  onnxDir: string,
  fileName: string,
  patterns: WeightPatterns,
  options: StandInGraphOptions,
  build: (standIn: StandInGraph) => ModelSpec,
): Promise<WrittenFile> {
  // transformers.js loads `<file>.onnx_data` beside `<file>.onnx` (src/utils/model-loader.js).
  const sink = new ExternalDataWriter(path.join(onnxDir, `${fileName}_data`));
  try {
    const { model } = serializeModel(build(new StandInGraph(fileName, sink, patterns, options)));
    await writeFile(path.join(onnxDir, fileName), model);
    return { file: fileName, bytes: model.byteLength + sink.bytesWritten };
  } finally {
    sink.close();
  }
}

/** Writes the stand-in of `family` into `outDir` (created if missing). */
export async function generateStandIn(
  family: StandInFamily,
  outDir: string,
  options: StandInGraphOptions = {},
): Promise<WrittenFile[]> {
  const spec = standInSpec(family);
  const familyFacts = { ...familySpec(family), layerTypes: spec.text.layerTypes };
  const tokenizer = await tokenizerFiles(familyFacts);
  const patterns = new WeightPatterns(familyFacts.seed);
  // Ids the tokenizer cannot decode, and the end-of-sequence ids, never win (see decoder-graph.ts).
  const logitBias = Float32Array.from({ length: spec.text.vocab }, (_, id) =>
    id >= tokenizer.size || id === TOKEN_IDS.imEnd || id === TOKEN_IDS.endOfText ? -1e4 : 0,
  );

  const onnxDir = path.join(outDir, "onnx");
  await mkdir(onnxDir, { recursive: true });
  const written = [
    await writeSession(onnxDir, "embed_tokens_q4.onnx", patterns, options, (standIn) =>
      buildStandInEmbedTokens(standIn, spec),
    ),
    await writeSession(onnxDir, "vision_encoder.onnx", patterns, options, (standIn) =>
      buildStandInVisionEncoder(standIn, spec, "fp32"),
    ),
    await writeSession(onnxDir, "vision_encoder_quantized.onnx", patterns, options, (standIn) =>
      buildStandInVisionEncoder(standIn, spec, "q8"),
    ),
    await writeSession(onnxDir, "vision_encoder_q4.onnx", patterns, options, (standIn) =>
      buildStandInVisionEncoder(standIn, spec, "q4"),
    ),
    await writeSession(onnxDir, "decoder_model_merged_q4.onnx", patterns, options, (standIn) =>
      buildStandInDecoder(standIn, spec.text, logitBias),
    ),
  ];

  const config = modelConfig(
    familyFacts,
    written.map(({ file }) => file),
  ) as { text_config: object; vision_config: object };
  const { text, vision } = spec;
  Object.assign(config.text_config, {
    hidden_size: text.hidden,
    intermediate_size: text.intermediate,
    num_hidden_layers: text.layerTypes.length,
    num_attention_heads: text.heads,
    num_key_value_heads: text.kvHeads,
    head_dim: text.headDim,
    vocab_size: text.vocab,
    ...(text.linear
      ? {
          linear_num_key_heads: text.linear.keyHeads,
          linear_num_value_heads: text.linear.valueHeads,
          linear_key_head_dim: text.linear.keyDim,
          linear_value_head_dim: text.linear.valueDim,
          linear_conv_kernel_dim: text.linear.convKernel,
        }
      : {}),
  });
  Object.assign(config.vision_config, {
    depth: vision.depth,
    hidden_size: vision.hidden,
    intermediate_size: vision.intermediate,
    num_heads: vision.heads,
    out_hidden_size: vision.outHidden,
    deepstack_visual_indexes: vision.deepstackIndexes,
  });
  const json = (name: string, value: unknown) =>
    writeFile(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
  await json("config.json", { ...config, _stand_in_of: spec.model });
  await json("generation_config.json", generationConfig(familyFacts));
  await json("preprocessor_config.json", preprocessorConfig(familyFacts));
  await json("tokenizer_config.json", tokenizer.tokenizerConfig);
  await writeFile(path.join(outDir, "tokenizer.json"), tokenizer.tokenizerJson);
  return written;
}

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, STAMP_FILE), "utf8")).trim();
  } catch {
    return undefined;
  }
}

/**
 * The folder of the `family` stand-in under `root`, generated (into a staging folder, then renamed into
 * place) when missing or written by another generator version. `log` hears about a generation.
 */
export async function standInDir(
  family: StandInFamily,
  root = STAND_IN_ROOT,
  log: (message: string) => void = () => {},
): Promise<string> {
  const dir = path.join(root, family);
  const version = String(STAND_IN_GENERATOR_VERSION);
  if ((await readStamp(dir)) === version) return dir;
  const staging = `${dir}.staging-${process.pid}`;
  log(`generating the ${standInSpec(family).model} stand-in into ${dir} (several GB, about a minute)`);
  const started = performance.now();
  await rm(staging, { recursive: true, force: true });
  const written = await generateStandIn(family, staging);
  await writeFile(path.join(staging, STAMP_FILE), `${version}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  const gigabytes = written.reduce((total, { bytes }) => total + bytes, 0) / 2 ** 30;
  log(`wrote ${gigabytes.toFixed(2)} GiB in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

async function main(argv: readonly string[]): Promise<void> {
  const [which = "all"] = argv;
  if (which !== "all" && !isStandInFamily(which)) {
    process.stderr.write(`usage: npx tsx tools/stand-ins/generate.ts [${STAND_IN_FAMILIES.join("|")}|all]\n`);
    process.exitCode = 2;
    return;
  }
  for (const family of which === "all" ? STAND_IN_FAMILIES : [which]) {
    const dir = await standInDir(family, STAND_IN_ROOT, (message) => process.stdout.write(`${message}\n`));
    process.stdout.write(`${standInSpec(family).model} stand-in: ${dir}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}

/**
 * Writes tiny random-weight Qwen-VL models in the folder layout `@huggingface/transformers` 4.3.1 loads,
 * for tests that must run the real native code path (processor, chat template, vision encoder, cache,
 * generation, decoding) without downloading a model. Weights are seeded, so every run writes the same
 * bytes; the ONNX files are a few kilobytes. See README.md in this folder for the layout facts.
 *
 * CLI: npx tsx tools/tiny-models/generate.ts <qwen2_5_vl|qwen3_vl|qwen3_5> <outDir>
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generationConfig, modelConfig, preprocessorConfig } from "./config-files.js";
import { buildDecoderGraph } from "./decoder-graph.js";
import { buildEmbedTokensGraph, buildVisionEncoderGraph } from "./encoder-graphs.js";
import { familySpec, isTinyModelFamily, TINY_MODEL_FAMILIES, type TinyModelFamily } from "./family-specs.js";
import { SeededRandom } from "./graph-builder.js";
import { type ModelSpec, serializeModel } from "./onnx-writer.js";
import { tokenizerFiles } from "./tokenizer-files.js";

export type { TinyModelFamily } from "./family-specs.js";
export { TINY_MODEL_FAMILIES } from "./family-specs.js";

/** Bump when the generated files change, so cached fixtures get regenerated. */
export const TINY_MODEL_GENERATOR_VERSION = 1;

/**
 * File-name suffix per transformers.js dtype (src/utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). The q4
 * files repeat the fp32 graph: a real q4 export differs inside (4-bit MatMulNBits weights) and, as far as we
 * know, keeps float32 inputs and outputs, so loading with `dtype: "q4"` exercises the same file selection.
 */
export const TINY_MODEL_DTYPES = { fp32: "", q4: "_q4" } as const;

/** The ONNX sessions of an image-text-to-text model in transformers.js (src/models/session_config.js). */
const SESSION_NAMES = ["embed_tokens", "vision_encoder", "decoder_model_merged"] as const;

/** Sessions whose weights go to an external `.onnx_data` file, as large real exports do. */
const EXTERNAL_DATA_SESSIONS = new Set<string>(["decoder_model_merged"]);

/** Writes the tiny model of `family` into `outDir` (created if missing; existing files are overwritten). */
export async function generateTinyModel(family: TinyModelFamily, outDir: string): Promise<void> {
  const spec = familySpec(family);
  const tokenizer = await tokenizerFiles(spec);
  // One seeded stream per session, so changing one graph does not reshuffle the others' weights.
  const graphs: Record<(typeof SESSION_NAMES)[number], ModelSpec> = {
    embed_tokens: buildEmbedTokensGraph(new SeededRandom(spec.seed + 1)),
    vision_encoder: buildVisionEncoderGraph(spec, new SeededRandom(spec.seed + 2)),
    decoder_model_merged: buildDecoderGraph(spec, new SeededRandom(spec.seed + 3), tokenizer.size),
  };

  const onnxDir = path.join(outDir, "onnx");
  await mkdir(onnxDir, { recursive: true });
  const externalDataFiles: string[] = [];
  for (const suffix of Object.values(TINY_MODEL_DTYPES)) {
    for (const session of SESSION_NAMES) {
      const fileName = `${session}${suffix}.onnx`;
      const external = EXTERNAL_DATA_SESSIONS.has(session);
      // transformers.js names external data `<file>.onnx_data` (src/utils/model-loader.js) and onnxruntime
      // resolves the tensor's `location` relative to the .onnx file.
      const serialized = serializeModel(
        graphs[session],
        external ? { externalDataLocation: `${fileName}_data` } : {},
      );
      await writeFile(path.join(onnxDir, fileName), serialized.model);
      if (serialized.externalData) {
        await writeFile(path.join(onnxDir, `${fileName}_data`), serialized.externalData);
        externalDataFiles.push(fileName);
      }
    }
  }

  const json = (name: string, value: unknown) =>
    writeFile(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
  await json("config.json", modelConfig(spec, externalDataFiles));
  await json("generation_config.json", generationConfig(spec));
  await json("preprocessor_config.json", preprocessorConfig(spec));
  await json("tokenizer_config.json", tokenizer.tokenizerConfig);
  await writeFile(path.join(outDir, "tokenizer.json"), tokenizer.tokenizerJson);
}

async function main(argv: readonly string[]): Promise<void> {
  const [family, outDir] = argv;
  if (!family || !outDir || !isTinyModelFamily(family)) {
    process.stderr.write(
      `usage: npx tsx tools/tiny-models/generate.ts <${TINY_MODEL_FAMILIES.join("|")}> <outDir>\n`,
    );
    process.exitCode = 2;
    return;
  }
  await generateTinyModel(family, path.resolve(outDir));
  process.stdout.write(`wrote tiny ${family} model to ${path.resolve(outDir)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}

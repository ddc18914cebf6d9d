/**
 * The two paths bench/native.ts compares on one stand-in folder and one 448×448 photo: bare onnxruntime-node
 * sessions (raw-generate.ts) and our native runtime (src/backends/native/run-once.ts), each loaded once and
 * then asked for N greedy tokens as often as the benchmark likes.
 */
import { fileURLToPath } from "node:url";
import { RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { loadModelFolder } from "../../src/backends/native/run-once.js";
import { loadImage } from "../../src/vision/image.js";
import { DEFAULT_PIXEL_BUDGET } from "../../src/vision/smart-resize.js";
import { STAND_IN_DTYPES } from "./generate.js";
import { loadRawSessions, prepareRawPrompt, rawGenerate } from "./raw-generate.js";

const PHOTO = fileURLToPath(new URL("../../../shared/images/dogs.jpg", import.meta.url));
export const PROMPT = {
  system: "You are a careful visual assistant.",
  user: "Describe this image in detail.",
};
/** The files our runtime picks on CPU (STAND_IN_DTYPES): q4 embeddings and decoder, q8 vision encoder. */
export const FILES = {
  embed: "embed_tokens_q4.onnx",
  vision: "vision_encoder_quantized.onnx",
  decoder: "decoder_model_merged_q4.onnx",
};
export const VISION_FILES = {
  fp32: "vision_encoder.onnx",
  q8: "vision_encoder_quantized.onnx",
  q4: "vision_encoder_q4.onnx",
};
/** The photo squeezed to exactly 448×448 (a multiple of 32: the processor keeps it), as JPEG and as pixels. */
export async function testImage() {
  const jpeg = await sharp(PHOTO).resize(448, 448, { fit: "fill" }).jpeg({ quality: 92 }).toBuffer();
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { jpeg, raw: new RawImage(new Uint8ClampedArray(data), info.width, info.height, 3) };
}

/** One path, loaded, ready to answer the 448² prompt. */
export interface Runner {
  loadMs: number;
  promptTokens: number;
  generate(tokens: number): Promise<{ firstTokenMs: number; tokensPerSecond: number; detail: string }>;
  close(): Promise<void>;
}

export async function rawRunner(folder: string): Promise<Runner> {
  const { prompt, imageToken } = await prepareRawPrompt(folder, (await testImage()).raw, PROMPT);
  const started = performance.now();
  const sessions = await loadRawSessions(folder, FILES);
  return {
    loadMs: performance.now() - started,
    promptTokens: prompt.inputIds.length,
    generate: async (tokens) => {
      const run = await rawGenerate(sessions, prompt, imageToken, tokens);
      const decodeMs = run.stepMs.reduce((a, b) => a + b, 0);
      return {
        firstTokenMs: run.firstTokenMs,
        tokensPerSecond: (1000 * run.stepMs.length) / decodeMs,
        detail: `vision ${run.visionMs.toFixed(0)} ms`,
      };
    },
    close: () => sessions.release(),
  };
}

export async function oursRunner(folder: string): Promise<Runner> {
  const image = await loadImage(new Uint8Array((await testImage()).jpeg));
  const { model, loadMs } = await loadModelFolder(folder, { dtypes: STAND_IN_DTYPES });
  const input = { image, prompt: PROMPT, enableThinking: false, pixelBudget: DEFAULT_PIXEL_BUDGET };
  const first = await model.generate({ ...input, maxTokens: 2 });
  return {
    loadMs,
    promptTokens: first.promptTokens,
    generate: async (maxTokens) => {
      const { timings, imageTokens } = await model.generate({ ...input, maxTokens });
      return {
        // What a caller waits for: preprocessing (resize, template, tokens, patches), then to the first token.
        firstTokenMs: timings.preprocessMs + timings.firstTokenMs,
        tokensPerSecond: timings.decodeTokensPerSecond,
        detail: `preprocess ${timings.preprocessMs.toFixed(0)} ms, ${imageTokens} image tokens`,
      };
    },
    close: () => model.dispose(),
  };
}

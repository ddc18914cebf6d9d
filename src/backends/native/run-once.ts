/**
 * The native runtime without the block, cache or pool around it, for benchmarks and diagnostics: load a model
 * folder (an export in the transformers.js layout), run one image with a prompt, and report how long each phase
 * took. `bench/` calls this; users can too, to check a fine-tuned export before pointing the block at it.
 */

import { type ImageSource, loadImage } from "../../vision/image.js";
import { DEFAULT_PIXEL_BUDGET } from "../../vision/smart-resize.js";
import type { ChatPrompt } from "../backend.js";
import { withDtypeOverrides } from "./in-process-backend.js";
import { prepareModel, storeSettingsFromEnv } from "./model-store.js";
import {
  type GenerationOutput,
  loadQwenModel,
  type PixelBudget,
  type QwenRuntimeModel,
  type RuntimeOptions,
} from "./onnx-runtime.js";
import { type OnnxDtype, resolveNativeModel, type SessionName } from "./registry.js";

/** How to load the folder. */
export interface LoadFolderOptions extends RuntimeOptions {
  /** Precision per part; default: the first of q4 / q8 / fp32 (vision: q8 / q4 / fp32) the folder has. */
  readonly dtypes?: Partial<Record<SessionName, OnnxDtype>>;
}

/** A loaded model and how long loading took. */
export interface LoadedFolder {
  readonly model: QwenRuntimeModel;
  readonly loadMs: number;
}

/** Loads a model folder (never fetches anything). Dispose of `model` when done. */
export async function loadModelFolder(
  folder: string,
  options: LoadFolderOptions = {},
): Promise<LoadedFolder> {
  const started = performance.now();
  const resolved = resolveNativeModel(folder, { env: {} });
  const plan = withDtypeOverrides(resolved.dtypes, options.dtypes ?? {});
  const prepared = await prepareModel(
    { ...resolved, dtypes: plan },
    storeSettingsFromEnv({}, { offline: true }),
  );
  const model = await loadQwenModel(prepared, options);
  return { model, loadMs: performance.now() - started };
}

/** What to run. */
export interface RunOnceOptions extends LoadFolderOptions {
  readonly maxTokens?: number;
  readonly enableThinking?: boolean;
  readonly pixelBudget?: PixelBudget;
}

/** One run's answer, token counts, image size and timings, plus the load time and the process's peak memory. */
export interface RunOnceReport extends GenerationOutput {
  readonly loadMs: number;
  readonly dtypes: Readonly<Record<SessionName, OnnxDtype>>;
  /** Peak resident set size of this process so far (process.resourceUsage().maxRSS, in bytes). */
  readonly peakRssBytes: number;
}

/** Loads `folder`, answers `prompt` about `image` once, disposes of the model and reports. */
export async function runNativeOnce(
  folder: string,
  image: ImageSource,
  prompt: ChatPrompt,
  options: RunOnceOptions = {},
): Promise<RunOnceReport> {
  const loaded = await loadImage(image);
  const { model, loadMs } = await loadModelFolder(folder, options);
  try {
    const output = await model.generate({
      image: loaded,
      prompt,
      maxTokens: options.maxTokens ?? 64,
      enableThinking: options.enableThinking ?? false,
      pixelBudget: options.pixelBudget ?? DEFAULT_PIXEL_BUDGET,
    });
    return { ...output, loadMs, dtypes: model.dtypes, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await model.dispose();
  }
}

/**
 * The library call behind `qwen-vlm infer`: the Qwen block on a list of images, without writing a workflow.
 * Options use the block's property names, so a step's JSON, the CLI flags and this call say the same things.
 */
import type { Usage } from "../backends/backend.js";
import type { BlockContext } from "../blocks/block.js";
import { type QwenVlmParams, qwenVlmManifest } from "../blocks/models/qwen-vlm/manifest.js";
import { runQwenBatch } from "../blocks/models/qwen-vlm/run.js";
import { checkProperties } from "../blocks/properties.js";
import { InvalidArgumentError, QwenVlmError } from "../errors.js";
import { mapSettledWithLimit } from "../util/concurrency.js";
import {
  describeSource,
  type ImageSource,
  loadImage,
  maxImagePixelsFromEnv,
  type WorkflowImage,
} from "../vision/image.js";

/** The block's properties except `images` (given separately), all optional. */
export type QwenVlmOptions = Partial<Omit<QwenVlmParams, "images">>;

/** How the call runs: environment, HTTP client, progress and warnings. */
export interface RunQwenVlmRuntime extends Partial<BlockContext> {
  /** Called after each image finishes (loading failures count). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The outcome for one image, in input order. On failure `output` is null and `error` says why. */
export interface QwenVlmImageResult {
  /** Where the image came from (path, URL, "data URL"). */
  readonly image: string;
  readonly output: string | null;
  readonly classes: string[] | null;
  readonly thinking: string | null;
  readonly model?: string;
  readonly usage?: Usage;
  readonly warnings: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Runs the Qwen block on each image. Invalid options throw InvalidArgumentError before anything runs; a bad
 * image or a failed call yields that image's error without losing the others.
 */
export async function runQwenVlm(
  images: readonly ImageSource[],
  options: QwenVlmOptions = {},
  runtime: RunQwenVlmRuntime = {},
): Promise<QwenVlmImageResult[]> {
  const env = runtime.env ?? process.env;
  const { values, problems } = checkProperties(
    qwenVlmManifest,
    options as Record<string, unknown>,
    new Set(["images"]),
  );
  const problem = problems[0];
  if (problem) throw new InvalidArgumentError(problem.property, problem.message, problem.validValues);
  if (images.length === 0)
    throw new InvalidArgumentError("images", "no images given: pass at least one path, URL or data URL");

  const maxPixels = maxImagePixelsFromEnv(env);
  const loaded = await mapSettledWithLimit(images, 4, (source) =>
    loadImage(source, { maxPixels, ...(runtime.fetch ? { fetch: runtime.fetch } : {}) }),
  );
  const ready = loaded.flatMap((outcome, index) => (outcome.ok ? [{ index, image: outcome.value }] : []));
  let done = loaded.length - ready.length;
  const total = images.length;
  if (done > 0) runtime.onProgress?.(done, total);
  const context: BlockContext = {
    ...runtime,
    env,
    onProgress: () => runtime.onProgress?.(++done, total),
  };
  const params = ready.map(({ image }) => ({ ...values, images: image }) as QwenVlmParams);
  const results = await runQwenBatch(params, context);

  const byIndex = new Map(ready.map(({ index }, position) => [index, results[position]]));
  return images.map((source, index) => {
    const load = loaded[index];
    const label = load?.ok ? (load.value as WorkflowImage).source : describeSource(source);
    const outcome = load?.ok ? byIndex.get(index) : load?.error;
    if (outcome === undefined || outcome instanceof Error || !isResult(outcome)) {
      return failure(label, outcome);
    }
    return {
      image: label,
      output: outcome.output,
      classes: outcome.classes,
      thinking: outcome.thinking,
      model: outcome.model,
      warnings: outcome.warnings,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
    };
  });
}

function isResult(value: unknown): value is Exclude<Awaited<ReturnType<typeof runQwenBatch>>[number], Error> {
  return typeof value === "object" && value !== null && "output" in value;
}

function failure(image: string, error: unknown): QwenVlmImageResult {
  const code = error instanceof QwenVlmError ? error.code : "internal";
  const message = error instanceof Error ? error.message : String(error ?? "no result");
  return { image, output: null, classes: null, thinking: null, warnings: [], error: { code, message } };
}

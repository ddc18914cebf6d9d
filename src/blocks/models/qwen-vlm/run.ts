/**
 * Running the Qwen block on a batch: pick the backend for each element, build the task's prompt, call the model
 * with a bound on requests in flight, and keep one result (or one error) per element in input order.
 */
import type { BoxCoordinates, Usage, VlmBackend, VlmRequest, VlmResult } from "../../../backends/backend.js";
import { createNativeBackend } from "../../../backends/native/native-backend.js";
import { resolveOpenRouterKey } from "../../../backends/openrouter/api-key.js";
import { createOpenRouterBackend } from "../../../backends/openrouter/openrouter-backend.js";
import { InvalidArgumentError } from "../../../errors.js";
import { mapSettledWithLimit } from "../../../util/concurrency.js";
import type { BlockContext } from "../../block.js";
import { extractJson } from "../../formatters/json-extraction.js";
import { isJsonObject } from "../../formatters/python-compat.js";
import {
  qwen25BoxToPixelXyxy,
  qwenDetectionBox,
  qwenDetectionClassName,
  qwenDetectionEntries,
} from "../../formatters/vlm-as-detector/qwen-boxes.js";
import type { QwenVlmParams } from "./manifest.js";
import { FINE_TUNED_MODEL_LABEL, NATIVE_THINKING_LABELS, resolveOpenRouterSlug } from "./models.js";
import { buildPrompt } from "./prompts.js";

/** What one element produced: the block's outputs plus what a library caller also wants to see. */
export interface QwenElementResult {
  readonly output: string;
  readonly classes: string[] | null;
  readonly thinking: string;
  readonly backend: "native" | "openrouter";
  /** The model id the backend was asked for (OpenRouter slug, native label or fine-tuned id). */
  readonly model: string;
  readonly usage?: Usage;
  readonly warnings: readonly string[];
}

/** Default number of OpenRouter requests in flight, as in Roboflow's execution engine. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 8;

/** `max_concurrent_requests`, else WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS, else 8. */
export function concurrencyLimit(
  maxConcurrentRequests: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (maxConcurrentRequests !== undefined) return maxConcurrentRequests;
  const raw = env.WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_MAX_CONCURRENT_REQUESTS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(
      "WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS",
      `must be an integer ≥ 1, got "${raw}"`,
    );
  }
  return value;
}

/** Runs a batch; element i of the result is element i's result or the error it failed with. */
export async function runQwenBatch(
  batch: readonly QwenVlmParams[],
  context: BlockContext,
): Promise<Array<QwenElementResult | Error>> {
  const first = batch[0];
  if (!first) return [];
  const backends = new Map<string, Promise<VlmBackend>>();
  // In-process native inference runs images one after another; a remote server takes several at once.
  const limit =
    first.backend === "openrouter" || context.env.QWEN_VLM_NATIVE_URL
      ? concurrencyLimit(first.max_concurrent_requests, context.env)
      : 1;
  const backendFor = (params: QwenVlmParams): Promise<VlmBackend> => {
    const key = backendKey(params);
    let backend = backends.get(key);
    if (!backend) {
      backend = makeBackend(params, context);
      backend.catch(() => {}); // each element that needs it reports the failure
      backends.set(key, backend);
    }
    return backend;
  };
  // Pipelining: once an element's own CPU work (image encoding) is done, the element that will take its slot
  // next starts its own, so that work overlaps the network wait instead of delaying the next request.
  const prepare = async (params: QwenVlmParams | undefined): Promise<void> => {
    if (!params) return;
    const backend = await backendFor(params).catch(() => undefined);
    await backend?.prepare?.(requestFor(params, context));
  };
  const settled = await mapSettledWithLimit(
    batch,
    limit,
    async (params, index) => {
      const backend = await backendFor(params);
      if (limit > 1) {
        await prepare(params);
        void prepare(batch[index + limit]);
      }
      return runOne(params, backend, context);
    },
    context.onProgress,
  );
  return settled.map((outcome) =>
    outcome.ok
      ? outcome.value
      : outcome.error instanceof Error
        ? outcome.error
        : new Error(String(outcome.error)),
  );
}

/** Native checkpoints without a thinking mode ignore enable_thinking (with a warning, not an error). */
function thinkingIgnored(params: QwenVlmParams): boolean {
  return (
    params.backend === "native" &&
    params.enable_thinking &&
    !NATIVE_THINKING_LABELS.includes(params.model_version)
  );
}

function requestFor(
  params: QwenVlmParams,
  context: BlockContext,
  boxConvention: BoxCoordinates = "relative-1000",
): VlmRequest {
  return {
    image: params.images,
    prompt: buildPrompt(params.task_type, {
      prompt: params.prompt,
      classes: params.classes,
      outputStructure: params.output_structure,
      boxConvention,
    }),
    model: modelId(params),
    maxTokens: params.max_tokens,
    enableThinking: params.enable_thinking && !thinkingIgnored(params),
    ...(params.backend === "openrouter" ? { temperature: params.temperature } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

async function runOne(
  params: QwenVlmParams,
  backend: VlmBackend,
  context: BlockContext,
): Promise<QwenElementResult> {
  // Detection prompts ask each model for the box convention it was trained on (DESIGN.md §1).
  const boxes =
    params.task_type === "object-detection" && backend.describeModel
      ? (await backend.describeModel(modelId(params))).boxCoordinates
      : "relative-1000";
  const request = requestFor(params, context, boxes);
  const warnings = thinkingIgnored(params)
    ? [`enable_thinking is ignored: ${params.model_version} has no thinking mode`]
    : [];
  const result = await backend.generate(request);
  const output = boxes === "absolute-pixels" ? toRelativeBoxes(result, warnings) : result.output;
  return {
    output,
    classes: params.classes ?? null,
    thinking: result.thinking,
    backend: params.backend,
    model: request.model,
    warnings: [...warnings, ...result.warnings],
    ...(result.usage ? { usage: result.usage } : {}),
  };
}

function modelId(params: QwenVlmParams): string {
  if (params.backend === "openrouter") return resolveOpenRouterSlug(params.openrouter_model_version);
  if (params.model_version === FINE_TUNED_MODEL_LABEL) return params.fine_tuned_model_id ?? "";
  return params.model_version;
}

/** Elements that share a key share a backend (one key resolution, one loaded model). */
function backendKey(params: QwenVlmParams): string {
  return params.backend === "openrouter"
    ? `openrouter\0${params.api_key}\0${params.privacy_level}`
    : "native";
}

async function makeBackend(params: QwenVlmParams, context: BlockContext): Promise<VlmBackend> {
  if (params.backend === "native") return createNativeBackend(context);
  const { key } = await resolveOpenRouterKey(params.api_key, {
    env: context.env,
    ...(context.keyStore ? { keyStore: context.keyStore } : {}),
  });
  return createOpenRouterBackend({
    apiKey: key,
    privacyLevel: params.privacy_level,
    ...(context.env.OPENROUTER_BASE_URL ? { baseURL: context.env.OPENROUTER_BASE_URL } : {}),
    ...(context.fetch ? { fetch: context.fetch } : {}),
    ...(context.retry ? { retry: context.retry } : {}),
    ...(context.requestTimeoutMs ? { timeoutMs: context.requestTimeoutMs } : {}),
  });
}

/**
 * Qwen2.5-VL's answer to a detection prompt (boxes in absolute pixels of the image it saw) rewritten on the
 * 0–1000 grid of the detection contract, so the `qwen` parser reads every family alike. Entries are read as the
 * parser reads them (`box_2d`/`bbox_2d`, label aliases, malformed entries skipped); an answer with no JSON list
 * in it is returned unchanged, with a warning.
 */
export function toRelativeBoxes(result: VlmResult, warnings: string[]): string {
  const size = result.modelInputSize;
  const unchanged = (why: string): string => {
    warnings.push(
      `the model's boxes are in pixels of its ${size ? `${size.width}×${size.height} ` : ""}input image and ${why}, ` +
        'so the output is unchanged: parse it with model_type "qwen-2.5", not "qwen"',
    );
    return result.output;
  };
  if (!size) return unchanged("the backend did not report that image's size");
  const extraction = extractJson(result.output);
  if (!extraction.ok) return unchanged("no JSON was found in the answer");
  let entries: unknown[];
  try {
    entries = qwenDetectionEntries(extraction.value);
  } catch {
    return unchanged("the answer is not a list of detections");
  }
  const grid = { width: 1000, height: 1000 };
  const converted = entries.flatMap((entry) => {
    const box = qwenDetectionBox(entry);
    if (!box || !isJsonObject(entry)) return [];
    const scaled = qwen25BoxToPixelXyxy(box, size, grid).map((value) => Math.round(value));
    return [{ box_2d: scaled, label: qwenDetectionClassName(entry) }];
  });
  return JSON.stringify(converted);
}

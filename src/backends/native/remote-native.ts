/**
 * Remote native: the same prompts sent to an OpenAI-compatible chat-completions server the user runs on GPUs
 * (vLLM, SGLang, llama.cpp's llama-server), with the image as a JPEG data-URI part, greedy decoding
 * (`temperature: 0`, as in process), `max_tokens`, and `chat_template_kwargs.enable_thinking` — the template
 * variable Qwen3.5 reads, which vLLM, SGLang and llama-server pass to the chat template. Retries and timeouts
 * are OpenRouter's (the shared HTTP core).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { redactKnownSecret } from "../../errors.js";
import { pixelsOf, type WorkflowImage, withDecodeErrors } from "../../vision/image.js";
import { QWEN_FAMILY_FACTORS, smartResize } from "../../vision/smart-resize.js";
import type { ModelTraits, VlmBackend, VlmRequest, VlmResult } from "../backend.js";
import { buildMessages, readCompletion } from "../chat-completions.js";
import { postJson } from "../http/post-json.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "../http/retry.js";
import { splitThinking } from "../thinking.js";
import type { PixelBudget } from "./onnx-runtime.js";
import { boxCoordinatesOf, familyOfModelType, type QwenFamily, registryEntry } from "./registry.js";

/** Large images and long reasoning can take minutes on a busy server; past this the call fails (not retried). */
export const DEFAULT_REMOTE_TIMEOUT_MS = 180_000;

/** Settings of a remote native backend. */
export interface RemoteNativeSettings {
  /** The server's OpenAI base URL, e.g. http://gpu-box:8000/v1 (QWEN_VLM_NATIVE_URL). */
  readonly baseURL: string;
  /** Model name to request instead of the label's checkpoint name (QWEN_VLM_NATIVE_MODEL). */
  readonly model?: string;
  /** Bearer token the server wants (vLLM `--api-key`; QWEN_VLM_NATIVE_API_KEY). */
  readonly apiKey?: string;
  readonly pixelBudget: PixelBudget;
  readonly fetch?: typeof fetch;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
}

const STATUS_HINTS: Readonly<Partial<Record<number, string>>> = {
  400: "The server refused the request: check that it serves a vision model and that max_tokens fits its context",
  401: "The server wants an API key: set QWEN_VLM_NATIVE_API_KEY",
  404: "The server does not serve this model: set QWEN_VLM_NATIVE_MODEL to the name it serves (GET /v1/models lists them)",
};

/** The model name a server is asked for: the override, else the label's checkpoint, else the id as given. */
export function servedModelName(model: string, override?: string): string {
  return override?.trim() || registryEntry(model)?.servedName || model;
}

/**
 * The family of a model on the server: the registry's for a label, a local folder's config.json, or, for a hub
 * id, its name (a Qwen2.5-VL fine-tune usually says so); unknown otherwise.
 */
export function remoteFamily(model: string, servedName: string): QwenFamily | undefined {
  const entry = registryEntry(model);
  if (entry) return entry.family;
  const config = path.join(model, "config.json");
  if (existsSync(config)) {
    try {
      return familyOfModelType(
        (JSON.parse(readFileSync(config, "utf8")) as { model_type?: unknown }).model_type,
      );
    } catch {
      return undefined; // unreadable config: fall back to the name
    }
  }
  return /qwen2[._]?5[-_]?vl/i.test(servedName) ? "qwen2_5_vl" : undefined;
}

/** Creates the remote native backend. */
export function createRemoteNativeBackend(settings: RemoteNativeSettings): VlmBackend {
  const baseURL = settings.baseURL.replace(/\/+$/, "");
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
  const headers = settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : undefined;

  async function generate(request: VlmRequest): Promise<VlmResult> {
    const model = servedModelName(request.model, settings.model);
    const family = remoteFamily(request.model, model);
    const image = await encodeForServer(request.image, family, settings.pixelBudget);
    const body = {
      model,
      messages: buildMessages(request.prompt, image.dataUri),
      max_tokens: request.maxTokens,
      temperature: 0,
      chat_template_kwargs: { enable_thinking: request.enableThinking },
    };
    const response = await withRetries(
      () =>
        postJson({
          service: `the native model server (${baseURL})`,
          url: `${baseURL}/chat/completions`,
          body,
          timeoutMs: settings.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS,
          hints: STATUS_HINTS,
          ...(headers ? { headers } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
          ...(settings.fetch ? { fetch: settings.fetch } : {}),
        }),
      policy,
      request.signal,
    );
    const answer = readCompletion(response.body, {
      service: "the native model server",
      maxTokens: request.maxTokens,
    });
    const warnings =
      request.temperature === undefined ? [] : ["temperature is ignored: native decoding is greedy"];
    // With thinking on, the template opened <think> in the prompt: a reply cut off before </think> is all trace.
    const cutOffThinking =
      request.enableThinking && answer.thinking === "" && answer.finishReason === "length";
    const split = cutOffThinking ? splitThinking(answer.output, { traceOpenedInPrompt: true }) : undefined;
    return {
      ...answer,
      ...(split ? { output: split.answer, thinking: split.thinking } : {}),
      modelInputSize: { width: image.width, height: image.height },
      warnings: [...warnings, ...answer.warnings],
    };
  }

  return {
    name: "native",
    generate: (request) =>
      generate(request).catch((error: unknown) => {
        throw settings.apiKey ? redactKnownSecret(error, settings.apiKey) : error;
      }),
    async describeModel(model): Promise<ModelTraits> {
      const family = remoteFamily(model, servedModelName(model, settings.model));
      return { ...(family ? { family } : {}), boxCoordinates: boxCoordinatesOf(family) };
    },
  };
}

/**
 * The image at the size the server's processor will keep: smart-resized for the family within our pixel budget
 * (Python rounding, as vLLM and SGLang use transformers' processors), so a photo costs the same image tokens on
 * a GPU as in process, and Qwen2.5-VL's pixel boxes refer to a size we know.
 */
async function encodeForServer(
  image: WorkflowImage,
  family: QwenFamily | undefined,
  budget: PixelBudget,
): Promise<{ dataUri: string; width: number; height: number }> {
  const factor = QWEN_FAMILY_FACTORS[family ?? "qwen3_vl"];
  const size = smartResize(image.height, image.width, { factor, ...budget });
  const jpeg = await withDecodeErrors(image, () =>
    pixelsOf(image)
      .flatten({ background: "#ffffff" })
      .resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
  return { dataUri: `data:image/jpeg;base64,${jpeg.toString("base64")}`, ...size };
}

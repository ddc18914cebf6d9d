/**
 * The OpenRouter backend: `POST {baseURL}/chat/completions` with plain fetch (SDKs strip unknown fields or
 * retry for a long time), the image as a JPEG data URI, the privacy filter as `provider`, and reasoning on or
 * off as asked. Retries and timeouts come from the shared HTTP core.
 */

import { availableParallelism } from "node:os";
import { redactKnownSecret } from "../../errors.js";
import { createLimiter } from "../../util/concurrency.js";
import { type EncodedImage, encodeJpegDataUri, MAX_DATA_URI_BYTES } from "../../vision/encode.js";
import type { VlmBackend, VlmRequest, VlmResult } from "../backend.js";
import { buildMessages, readCompletion } from "../chat-completions.js";
import { postJson } from "../http/post-json.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "../http/retry.js";
import { providerRouting } from "./privacy.js";
import { isReasoningRejection, reasoningConfig } from "./reasoning.js";

export const DEFAULT_OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
/** Reasoning models on a large image can take minutes; past this the call fails (and is not retried). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 180_000;

/**
 * Attribution headers (https://openrouter.ai/docs/api-reference/overview#headers): they name the app on
 * OpenRouter's dashboards; callers may override them.
 */
export const ATTRIBUTION_HEADERS: Readonly<Record<string, string>> = {
  "HTTP-Referer": "https://github.com/qwen-vlm/qwen-vlm",
  "X-Title": "qwen-vlm",
};

const STATUS_HINTS: Readonly<Partial<Record<number, string>>> = {
  400: "The request was refused as invalid; check the model, the prompt and max_tokens",
  401: "The API key was not accepted: check api_key or OPENROUTER_API_KEY",
  402: "The account behind this key has no credits left: add credits on openrouter.ai or use another key",
  403: "The request was refused (moderation or a key restriction)",
  404: "No such model or no provider for it under this privacy_level: check openrouter_model_version, or try privacy_level allow",
  408: "OpenRouter timed out waiting for the request",
  429: "Rate limited: lower max_concurrent_requests or wait",
};

/** Settings of one OpenRouter backend (one per step run: the key and privacy filter belong to the step). */
export interface OpenRouterSettings {
  /** The key itself (already resolved from `rf_key:account` etc.). */
  readonly apiKey: string;
  readonly privacyLevel: string;
  /** Default: OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1. */
  readonly baseURL?: string;
  readonly fetch?: typeof fetch;
  /** Extra or replacement headers (attribution). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly maxDataUriBytes?: number;
}

/** Creates the OpenRouter backend. */
export function createOpenRouterBackend(settings: OpenRouterSettings): VlmBackend {
  const baseURL = (settings.baseURL ?? DEFAULT_OPENROUTER_BASE_URL).replace(/\/+$/, "");
  const provider = providerRouting(settings.privacyLevel);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
  const headers = { ...ATTRIBUTION_HEADERS, ...settings.headers, authorization: `Bearer ${settings.apiKey}` };

  const send = (body: Record<string, unknown>, signal: AbortSignal | undefined) =>
    withRetries(
      () =>
        postJson({
          service: "OpenRouter",
          url: `${baseURL}/chat/completions`,
          body,
          headers,
          timeoutMs: settings.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
          hints: STATUS_HINTS,
          ...(signal ? { signal } : {}),
          ...(settings.fetch ? { fetch: settings.fetch } : {}),
        }),
      policy,
      signal,
    );

  // Encodings started ahead of their request by prepare(), taken (and forgotten) by generate().
  const encodings = new WeakMap<VlmRequest["image"], Promise<EncodedImage>>();
  // One encoding per core at a time: when a batch starts, the first image is ready (and its request sent) in a
  // few ms instead of every image of the first round finishing together, all late.
  const encodingSlot = createLimiter(availableParallelism());
  const startEncoding = (image: VlmRequest["image"]): Promise<EncodedImage> =>
    encodingSlot(() => encodeJpegDataUri(image, settings.maxDataUriBytes ?? MAX_DATA_URI_BYTES));
  const encode = (image: VlmRequest["image"]): Promise<EncodedImage> => {
    const started = encodings.get(image);
    if (started) {
      encodings.delete(image);
      return started;
    }
    return startEncoding(image);
  };

  return {
    name: "openrouter",
    prepare(request) {
      let encoding = encodings.get(request.image);
      if (!encoding) {
        encoding = startEncoding(request.image);
        encodings.set(request.image, encoding);
      }
      // Failures are reported by generate(), which awaits this same promise.
      return encoding.then(
        () => undefined,
        () => undefined,
      );
    },
    generate: (request) =>
      generate(request).catch((error: unknown) => {
        // A key that does not look like one (a proxy token) escapes the pattern redaction: remove it by value.
        throw redactKnownSecret(error, settings.apiKey);
      }),
  };

  async function generate(request: VlmRequest): Promise<VlmResult> {
    const encoded = await encode(request.image);
    const body: Record<string, unknown> = {
      model: request.model,
      messages: buildMessages(request.prompt, encoded.dataUri),
      max_tokens: request.maxTokens,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(provider ? { provider } : {}),
      reasoning: reasoningConfig(request.enableThinking, request.model),
    };
    const warnings: string[] = [];
    if (encoded.downscaled) {
      warnings.push(
        `image downscaled from ${request.image.width}×${request.image.height} to ${encoded.width}×${encoded.height} to fit OpenRouter's ${settings.maxDataUriBytes ?? MAX_DATA_URI_BYTES}-byte upload limit`,
      );
    }
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(body, request.signal);
    } catch (error) {
      if (!isReasoningRejection(error)) throw error;
      // The model refused our reasoning switch (some always reason): one more try without the field.
      const { reasoning, ...withoutReasoning } = body;
      warnings.push(
        `${request.model} rejected reasoning ${JSON.stringify(reasoning)}; sent again without it, so the model's own reasoning default applies`,
      );
      response = await send(withoutReasoning, request.signal);
    }
    const answer = readCompletion(response.body, { service: "OpenRouter", maxTokens: request.maxTokens });
    return { ...answer, warnings: [...warnings, ...answer.warnings] };
  }
}

/**
 * The `reasoning` request field (https://openrouter.ai/docs/use-cases/reasoning-tokens). Qwen models reason by
 * default on OpenRouter, which costs time and can use up max_tokens, so thinking off is asked for explicitly.
 */
import { ApiCallError } from "../../errors.js";

/**
 * Models whose reasoning cannot be turned off: they reject `reasoning: {"enabled": false}` with a 4xx, so they
 * get a low effort instead. None of the Qwen block's labels is one (Roboflow's Qwen block v2 roster marks Qwen 3.8
 * Max and the Qwen 3 VL "-thinking" variants); they can still be reached by raw slug. Any other model that
 * rejects the off switch is retried once without the reasoning field.
 */
export function reasoningIsMandatory(slug: string): boolean {
  return /-thinking$/.test(slug) || slug === "qwen/qwen3.8-max";
}

/** What to send for `enable_thinking` on a model. Mandatory-reasoning models get a low effort when it is off. */
export function reasoningConfig(
  enableThinking: boolean,
  slug: string,
): { enabled: boolean } | { effort: "low" } {
  if (enableThinking) return { enabled: true };
  return reasoningIsMandatory(slug) ? { effort: "low" } : { enabled: false };
}

const REJECTION_WORDS = [
  "unsupported",
  "not supported",
  "unknown",
  "invalid",
  "mandatory",
  "cannot be disabled",
];

/**
 * True when a model refused our reasoning field (a 4xx whose message is about reasoning), so the request is
 * worth one more try without it. 5xx and connection errors are not rejections (conformance privacy.json).
 */
export function isReasoningRejection(error: unknown): boolean {
  if (!(error instanceof ApiCallError) || error.status < 400 || error.status > 499) return false;
  const text = `${error.message} ${error.responseBody}`.toLowerCase();
  return text.includes("reasoning") && REJECTION_WORDS.some((word) => text.includes(word));
}

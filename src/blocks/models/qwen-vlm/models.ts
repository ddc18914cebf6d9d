/**
 * The model rosters users pick from, by the labels they write (DESIGN.md §1). Each label is bound to one
 * backend. OpenRouter slugs change often: this is the one place that maps labels to them.
 */

/** The two places a model can run. */
export const BACKENDS = ["native", "openrouter"] as const;
export type Backend = (typeof BACKENDS)[number];

/** Native labels (small models that run on this machine or a GPU server the user points at). */
export const NATIVE_MODEL_LABELS = [
  "Qwen 2.5 VL 7B",
  "Qwen 3 VL 2B",
  "Qwen 3.5 VL 0.8B",
  "Qwen 3.5 VL 2B",
] as const;
export type NativeModelLabel = (typeof NATIVE_MODEL_LABELS)[number];

/** The native choice that loads `fine_tuned_model_id` instead of a pre-trained model. */
export const FINE_TUNED_MODEL_LABEL = "Fine-tuned model";
export const DEFAULT_NATIVE_MODEL: NativeModelLabel = "Qwen 3.5 VL 2B";

/**
 * Native checkpoints with a thinking mode (`enable_thinking` in their chat template). The seed names Qwen 3.5
 * VL 2B; fine-tunes derive from it. Elsewhere `enable_thinking` is ignored with a warning.
 */
export const NATIVE_THINKING_LABELS: readonly string[] = ["Qwen 3.5 VL 2B", FINE_TUNED_MODEL_LABEL];

/** OpenRouter label → slug (https://openrouter.ai/models, as listed in DESIGN.md §1). */
export const OPENROUTER_MODELS = {
  "Qwen 3.5 9B": "qwen/qwen3.5-9b",
  "Qwen 3.5 27B": "qwen/qwen3.5-27b",
  "Qwen 3.5 122B A10B": "qwen/qwen3.5-122b-a10b",
  "Qwen 3.5 397B A17B": "qwen/qwen3.5-397b-a17b",
  "Qwen 3.5 Flash 02-23": "qwen/qwen3.5-flash-02-23",
  "Qwen 3.5 Plus": "qwen/qwen3.5-plus-20260420",
  "Qwen 3.6 27B": "qwen/qwen3.6-27b",
  "Qwen 3.6 35B A3B": "qwen/qwen3.6-35b-a3b",
  "Qwen 3.6 Flash": "qwen/qwen3.6-flash",
  "Qwen 3.6 Plus": "qwen/qwen3.6-plus",
} as const satisfies Record<string, string>;
export type OpenRouterModelLabel = keyof typeof OPENROUTER_MODELS;
export const OPENROUTER_MODEL_LABELS = Object.keys(OPENROUTER_MODELS) as OpenRouterModelLabel[];
export const DEFAULT_OPENROUTER_MODEL: OpenRouterModelLabel = "Qwen 3.6 27B";

/** A raw OpenRouter slug such as "qwen/qwen3.7-plus" (vendor/model, optional :variant). */
export function isOpenRouterSlug(value: string): boolean {
  return /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:-]*$/i.test(value);
}

/** True for a native label or the fine-tuned choice. */
export function isNativeModelLabel(value: string): boolean {
  return (NATIVE_MODEL_LABELS as readonly string[]).includes(value) || value === FINE_TUNED_MODEL_LABEL;
}

/** True for an OpenRouter label from the table. */
export function isOpenRouterModelLabel(value: string): value is OpenRouterModelLabel {
  return Object.hasOwn(OPENROUTER_MODELS, value);
}

/** The slug for an OpenRouter label, or the value itself when it is already a slug. */
export function resolveOpenRouterSlug(value: string): string {
  return isOpenRouterModelLabel(value) ? OPENROUTER_MODELS[value] : value;
}

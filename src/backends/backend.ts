/**
 * The vision backend contract: one image and a chat prompt in, the model's answer out. OpenRouter, the
 * in-process runtime and remote OpenAI-compatible servers implement it; the Qwen block only sees this file.
 */
import type { WorkflowImage } from "../vision/image.js";

/** The two text parts of a chat; the image goes first in the user turn, `user` after it. */
export interface ChatPrompt {
  readonly system: string;
  readonly user: string;
}

/** One generation for one image. */
export interface VlmRequest {
  readonly image: WorkflowImage;
  readonly prompt: ChatPrompt;
  /** Backend-specific model id: an OpenRouter slug, a native model label, a local folder. */
  readonly model: string;
  readonly maxTokens: number;
  /** Sampling temperature; backends that decode greedily ignore it. */
  readonly temperature?: number;
  readonly enableThinking: boolean;
  readonly signal?: AbortSignal;
}

/** Tokens and money one call used, as the service reported them. */
export interface Usage {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly reasoningTokens?: number;
  readonly totalTokens?: number;
  /** In the service's currency unit (OpenRouter: credits ≈ USD). */
  readonly cost?: number;
}

/** The answer for one image. */
export interface VlmResult {
  readonly output: string;
  /** The reasoning trace; "" when there is none. */
  readonly thinking: string;
  readonly finishReason?: string;
  readonly usage?: Usage;
  /** The model that actually answered, when the service says. */
  readonly model?: string;
  /** Settings that could not be honoured, cut-off output, and similar notes for the user. */
  readonly warnings: readonly string[];
  /** The image size the model saw (after the backend resized it), when the backend knows. */
  readonly modelInputSize?: { readonly width: number; readonly height: number };
}

/**
 * How a model writes box coordinates: on a 0–1000 grid relative to the image (Qwen3 and later) or in absolute
 * pixels of the image as the backend resized it (Qwen2.5-VL).
 */
export type BoxCoordinates = "relative-1000" | "absolute-pixels";

/** What a backend knows about a model before running it. */
export interface ModelTraits {
  /** The model family ("qwen2_5_vl", "qwen3_vl", "qwen3_5"), when known. */
  readonly family?: string;
  readonly boxCoordinates: BoxCoordinates;
}

/** A backend: a name for messages, and one generation at a time (callers bound concurrency). */
export interface VlmBackend {
  readonly name: string;
  generate(request: VlmRequest): Promise<VlmResult>;
  /**
   * Optional: do the CPU work of a request that `generate` will be called with (encoding its image) ahead of
   * time, so it can overlap other requests' network waits. Resolves when that work is done; never rejects —
   * failures surface from `generate`.
   */
  prepare?(request: VlmRequest): Promise<void>;
  /**
   * Optional: what the backend knows about `model` (the id a request would carry). Backends without it serve
   * models that write 0–1000 boxes.
   */
  describeModel?(model: string): Promise<ModelTraits>;
}

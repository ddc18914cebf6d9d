/**
 * Which `model_type` / `task_type` combinations each version of `roboflow_core/vlm_as_detector` parses.
 * From Roboflow's `REGISTERED_PARSERS` (vlm_as_detector/v1.py and v2.py): every LLM model type parses
 * `object-detection` only; the other task types are registered for `florence-2` alone, whose output
 * (Florence-2's own token format) this project does not parse — it runs Qwen, not Florence.
 */

import type { ValidationProblem } from "../../block.js";

/** The `task_type` values Roboflow's detector blocks accept. */
export const DETECTOR_TASK_TYPES = [
  "object-detection",
  "object-detection-and-caption",
  "open-vocabulary-object-detection",
  "phrase-grounded-object-detection",
  "region-proposal",
  "ocr-with-text-detection",
] as const;

/** A detector `task_type`. */
export type DetectorTaskType = (typeof DETECTOR_TASK_TYPES)[number];

/** A version of the detector block. */
export type DetectorVersion = "v1" | "v2";

/**
 * The `model_type` values each version accepts. v1 knows Gemini, Claude and Florence-2; v2 adds OpenAI,
 * SpaceXAI, Qwen and Muse. `qwen-2.5` is ours (Qwen2.5-VL's absolute-pixel boxes), offered in v2 beside
 * `qwen`.
 */
export const DETECTOR_MODEL_TYPES = {
  v1: ["google-gemini", "anthropic-claude", "florence-2"],
  v2: ["openai", "google-gemini", "anthropic-claude", "spacexai", "qwen", "qwen-2.5", "muse", "florence-2"],
} as const satisfies Record<DetectorVersion, readonly string[]>;

/** A detector `model_type` of any version. */
export type DetectorModelType = (typeof DETECTOR_MODEL_TYPES)[DetectorVersion][number];

/** Model types Roboflow accepts that this project does not parse, with the reason. */
const UNSUPPORTED_MODEL_TYPES: Readonly<Record<string, string>> = {
  "florence-2":
    'Florence-2 output is not parsed by this project (it runs Qwen-VL models); use a Qwen model with model_type "qwen" (Qwen3-VL and later) or "qwen-2.5" (Qwen2.5-VL)',
};

/**
 * Why a combination cannot be parsed, or `undefined` when it can — in the shape a block manifest's
 * validator returns, naming the property at fault and its valid values.
 */
export function detectorCombinationProblem(
  version: DetectorVersion,
  modelType: string,
  taskType: string,
): ValidationProblem | undefined {
  const modelTypes: readonly string[] = DETECTOR_MODEL_TYPES[version];
  if (!modelTypes.includes(modelType)) {
    const otherVersion = version === "v1" ? "v2" : "v1";
    const elsewhere = (DETECTOR_MODEL_TYPES[otherVersion] as readonly string[]).includes(modelType)
      ? ` (vlm_as_detector@${otherVersion} accepts it)`
      : "";
    return {
      property: "model_type",
      message: `"${modelType}" is not a model type of vlm_as_detector@${version}${elsewhere}.`,
      validValues: modelTypes.filter((type) => UNSUPPORTED_MODEL_TYPES[type] === undefined),
    };
  }
  const unsupported = UNSUPPORTED_MODEL_TYPES[modelType];
  if (unsupported !== undefined)
    return { property: "model_type", message: `"${modelType}": ${unsupported}.` };
  if (taskType !== "object-detection") {
    const known = (DETECTOR_TASK_TYPES as readonly string[]).includes(taskType);
    return {
      property: "task_type",
      message: known
        ? `model_type "${modelType}" parses "object-detection" only, not "${taskType}" (Roboflow registers the other detector tasks for florence-2 alone).`
        : `"${taskType}" is not a detector task type.`,
      validValues: ["object-detection"],
    };
  }
  return undefined;
}

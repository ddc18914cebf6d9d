/**
 * The manifest of `roboflow_core/qwen_vlm@v1`: every property of the seed with its type, default and whether
 * it accepts a selector; the outputs and their kinds; and the validators (required fields per task type,
 * fine-tuned id, backend/model mismatch). Property descriptions follow the seed.
 */
import { z } from "zod";
import { MANAGED_KEY } from "../../../backends/openrouter/api-key.js";
import { PRIVACY_LEVELS, type PrivacyLevel } from "../../../backends/openrouter/privacy.js";
import type { WorkflowImage } from "../../../vision/image.js";
import type { BlockManifest, ValidationProblem } from "../../block.js";
import { imageSchema } from "../../value-schemas.js";
import {
  BACKENDS,
  DEFAULT_NATIVE_MODEL,
  DEFAULT_OPENROUTER_MODEL,
  FINE_TUNED_MODEL_LABEL,
  isNativeModelLabel,
  isOpenRouterModelLabel,
  isOpenRouterSlug,
  NATIVE_MODEL_LABELS,
  OPENROUTER_MODEL_LABELS,
} from "./models.js";
import { TASK_REQUIREMENTS, TASK_TYPES, type TaskType } from "./task-types.js";

export const QWEN_VLM_TYPE = "roboflow_core/qwen_vlm@v1";

/** The property values a Qwen step runs with, after defaults. */
export interface QwenVlmParams {
  images: WorkflowImage;
  backend: "native" | "openrouter";
  model_version: string;
  fine_tuned_model_id?: string | undefined;
  openrouter_model_version: string;
  task_type: TaskType;
  prompt?: string | undefined;
  enable_thinking: boolean;
  output_structure?: Record<string, string> | undefined;
  classes?: string[] | undefined;
  api_key: string;
  privacy_level: PrivacyLevel;
  max_tokens: number;
  temperature: number;
  max_concurrent_requests?: number | undefined;
}

/** The Qwen block's manifest. */
export const qwenVlmManifest: BlockManifest = {
  type: QWEN_VLM_TYPE,
  title: "Qwen-VL",
  description:
    "Run any Qwen vision-language model — natively (in process, or on a GPU server you point at) or via " +
    "OpenRouter — for open prompts, OCR, visual question answering, captions, classification, object " +
    "detection and structured JSON answers.",
  properties: {
    images: {
      schema: imageSchema,
      selectorKinds: ["image"],
      batch: true,
      aliases: ["image"],
      description: "The image to infer on.",
    },
    backend: {
      schema: z.enum(BACKENDS).default("native"),
      description:
        "Where to run inference. native = a small Qwen-VL model on this machine (or QWEN_VLM_NATIVE_URL); openrouter = large hosted Qwen models via OpenRouter.",
    },
    model_version: {
      schema: z.string().min(1).default(DEFAULT_NATIVE_MODEL),
      selectorKinds: ["string"],
      description: `Native Qwen-VL variant: one of ${NATIVE_MODEL_LABELS.join(", ")}, or "${FINE_TUNED_MODEL_LABEL}" to load fine_tuned_model_id.`,
    },
    fine_tuned_model_id: {
      schema: z.string().min(1).optional(),
      selectorKinds: ["roboflow_model_id", "string"],
      description: `The fine-tuned model to load when model_version is "${FINE_TUNED_MODEL_LABEL}": a local folder or a Hugging Face repo id of an ONNX export.`,
    },
    openrouter_model_version: {
      schema: z.string().min(1).default(DEFAULT_OPENROUTER_MODEL),
      selectorKinds: ["string"],
      description: `OpenRouter-hosted Qwen variant: one of ${OPENROUTER_MODEL_LABELS.join(", ")}, or a raw OpenRouter slug such as "qwen/qwen3.6-plus".`,
    },
    task_type: {
      schema: z.enum(TASK_TYPES).default("unconstrained"),
      description:
        "Task type to be performed by model. Value determines required parameters and output response.",
    },
    prompt: {
      schema: z.string().optional(),
      selectorKinds: ["string"],
      description:
        "Text prompt to the Qwen model (required for unconstrained and visual-question-answering).",
    },
    enable_thinking: {
      schema: z.boolean().default(false),
      description:
        "Enable reasoning mode: the model thinks before answering and the trace is returned in the thinking output. Natively only Qwen 3.5 VL 2B (and fine-tunes of it) has this mode; ignored with a warning elsewhere.",
    },
    output_structure: {
      schema: z.record(z.string(), z.string()).optional(),
      description: "Dictionary with structure of expected JSON response (required for structured-answering).",
    },
    classes: {
      schema: z.array(z.string()).optional(),
      selectorKinds: ["list_of_values"],
      description:
        "List of classes to be used (required for classification, multi-label and object detection).",
    },
    api_key: {
      schema: z.string().min(1).default(MANAGED_KEY),
      selectorKinds: ["string", "secret", "roboflow_managed_key"],
      description:
        'OpenRouter API key (only used when backend=openrouter). "rf_key:account" means the managed key (OPENROUTER_API_KEY); provide your own sk-or-... key to use it directly.',
    },
    privacy_level: {
      schema: z.enum(PRIVACY_LEVELS).default("deny"),
      description:
        "Provider privacy filter (only used when backend=openrouter): allow = any provider; deny = no data collection (default); zdr = zero data retention.",
    },
    max_tokens: {
      schema: z.number().int().gt(1).default(500),
      description:
        "Maximum number of tokens the model can generate in its response (max new tokens natively).",
    },
    temperature: {
      schema: z.number().min(0).max(2).default(0.1),
      selectorKinds: ["float"],
      description:
        "Sampling temperature (only used when backend=openrouter; native decoding is greedy). Range 0.0-2.0.",
    },
    max_concurrent_requests: {
      schema: z.number().int().min(1).optional(),
      description:
        "Maximum number of OpenRouter requests in flight for a batch of images. Unset: WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS, else 8. The in-process native backend runs images one after another.",
    },
  },
  outputs: [
    { name: "output", kinds: ["string", "language_model_output"], description: "The model's answer." },
    {
      name: "classes",
      kinds: ["list_of_values"],
      description: "The classes input, passed through for parsers.",
    },
    { name: "thinking", kinds: ["string"], description: 'The reasoning trace; "" when there is none.' },
  ],
  validate: validateQwenVlm,
};

/** Cross-property checks: required fields per task type, the fine-tuned id, and backend/model mismatch. */
export function validateQwenVlm(
  values: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const known = (property: string): boolean => !unresolved.has(property);
  const taskType = (values.task_type ?? "unconstrained") as TaskType;
  const required = TASK_REQUIREMENTS[taskType];
  if (required && known(required) && isEmpty(values[required])) {
    problems.push({ property: required, message: `is required when task_type is "${taskType}"` });
  }
  const backend = values.backend ?? "native";
  const modelVersion = values.model_version;
  if (known("model_version") && typeof modelVersion === "string" && !isNativeModelLabel(modelVersion)) {
    problems.push(
      isOpenRouterModelLabel(modelVersion)
        ? {
            property: "model_version",
            message: `"${modelVersion}" is an OpenRouter model, but model_version picks the native model (backend is "${backend}"). Use backend "openrouter" with openrouter_model_version "${modelVersion}", or pick a native model`,
            validValues: [...NATIVE_MODEL_LABELS, FINE_TUNED_MODEL_LABEL],
          }
        : {
            property: "model_version",
            message: `"${modelVersion}" is not a native Qwen-VL model`,
            validValues: [...NATIVE_MODEL_LABELS, FINE_TUNED_MODEL_LABEL],
          },
    );
  }
  const openRouterModel = values.openrouter_model_version;
  if (known("openrouter_model_version") && typeof openRouterModel === "string") {
    if (isNativeModelLabel(openRouterModel)) {
      problems.push({
        property: "openrouter_model_version",
        message: `"${openRouterModel}" is a native model, but openrouter_model_version picks the OpenRouter model (backend is "${backend}"). Use backend "native" with model_version "${openRouterModel}", or pick an OpenRouter model`,
        validValues: OPENROUTER_MODEL_LABELS,
      });
    } else if (!isOpenRouterModelLabel(openRouterModel) && !isOpenRouterSlug(openRouterModel)) {
      problems.push({
        property: "openrouter_model_version",
        message: `"${openRouterModel}" is neither an OpenRouter model label nor an OpenRouter slug (vendor/model)`,
        validValues: OPENROUTER_MODEL_LABELS,
      });
    }
  }
  if (
    backend === "native" &&
    modelVersion === FINE_TUNED_MODEL_LABEL &&
    known("fine_tuned_model_id") &&
    isEmpty(values.fine_tuned_model_id)
  ) {
    problems.push({
      property: "fine_tuned_model_id",
      message: `is required when model_version is "${FINE_TUNED_MODEL_LABEL}" with backend "native": give a local folder or a Hugging Face repo id of the ONNX export`,
    });
  }
  return problems;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

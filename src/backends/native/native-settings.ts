/**
 * The native backend's own settings, read from the environment (documented in the README, "Native backend"):
 * device, pixel budget, precision overrides, how many models stay loaded, and the remote server.
 */
import { InvalidArgumentError } from "../../errors.js";
import { DEFAULT_PIXEL_BUDGET } from "../../vision/smart-resize.js";
import type { PixelBudget } from "./onnx-runtime.js";
import { DTYPE_SUFFIXES, type OnnxDtype, SESSION_NAMES, type SessionName } from "./registry.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Default bound on loaded models: one. A 2B model in q4 holds about 2–3 GB of sessions and buffers; a second
 * one loaded "just in case" doubles that on the small machines this backend is for.
 */
export const DEFAULT_MAX_LOADED_MODELS = 1;

/** `QWEN_VLM_MIN_PIXELS` / `QWEN_VLM_MAX_PIXELS`, else {@link DEFAULT_PIXEL_BUDGET}. */
export function pixelBudgetFromEnv(env: Env): PixelBudget {
  const minPixels = positiveInteger(env, "QWEN_VLM_MIN_PIXELS") ?? DEFAULT_PIXEL_BUDGET.minPixels;
  const maxPixels = positiveInteger(env, "QWEN_VLM_MAX_PIXELS") ?? DEFAULT_PIXEL_BUDGET.maxPixels;
  if (maxPixels < minPixels) {
    throw new InvalidArgumentError(
      "QWEN_VLM_MAX_PIXELS",
      `(${maxPixels}) is below QWEN_VLM_MIN_PIXELS (${minPixels}); raise it or lower the minimum`,
    );
  }
  return { minPixels, maxPixels };
}

/** `QWEN_VLM_MAX_LOADED_MODELS`, else {@link DEFAULT_MAX_LOADED_MODELS}. */
export function maxLoadedModelsFromEnv(env: Env): number {
  return positiveInteger(env, "QWEN_VLM_MAX_LOADED_MODELS") ?? DEFAULT_MAX_LOADED_MODELS;
}

/**
 * `QWEN_VLM_MODEL_DTYPE`: one precision for every part ("q4") or per part
 * ("vision_encoder=fp32,decoder_model_merged=q4"). Overrides the registry's choice.
 */
export function dtypeOverridesFromEnv(env: Env): Partial<Record<SessionName, OnnxDtype>> {
  const raw = env.QWEN_VLM_MODEL_DTYPE?.trim();
  if (!raw) return {};
  const dtypes = Object.keys(DTYPE_SUFFIXES);
  const check = (value: string): OnnxDtype => {
    if (!dtypes.includes(value)) {
      throw new InvalidArgumentError("QWEN_VLM_MODEL_DTYPE", `has unknown precision "${value}"`, dtypes);
    }
    return value as OnnxDtype;
  };
  if (!raw.includes("=")) {
    const dtype = check(raw);
    return Object.fromEntries(SESSION_NAMES.map((session) => [session, dtype]));
  }
  const overrides: Partial<Record<SessionName, OnnxDtype>> = {};
  for (const part of raw.split(",")) {
    const [session = "", value = ""] = part.split("=").map((item) => item.trim());
    if (!(SESSION_NAMES as readonly string[]).includes(session)) {
      throw new InvalidArgumentError(
        "QWEN_VLM_MODEL_DTYPE",
        `names unknown model part "${session}"`,
        SESSION_NAMES,
      );
    }
    overrides[session as SessionName] = check(value);
  }
  return overrides;
}

/** `QWEN_VLM_DEVICE`, else "cpu" (in Node, transformers.js's "auto" throws when CUDA libraries are missing). */
export function deviceFromEnv(env: Env): string {
  return env.QWEN_VLM_DEVICE?.trim() || "cpu";
}

function positiveInteger(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(name, `must be an integer ≥ 1, got "${raw}"`);
  }
  return value;
}

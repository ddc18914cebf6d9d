/**
 * The native model registry: each native label of the block → an ONNX export on the Hugging Face hub in the
 * transformers.js layout (`onnx/embed_tokens*.onnx`, `onnx/vision_encoder*.onnx`,
 * `onnx/decoder_model_merged*.onnx`, configs, tokenizer), the file precision (dtype) to load for each part, the
 * model family, and the name a GPU server serves the same checkpoint under. The one place that maps labels to
 * repos; a user can point any label elsewhere (QWEN_VLM_MODEL_REPO_<LABEL>, see {@link repoOverrideEnvName}).
 *
 * Sources for the repos and their files (checked in public code and notes, not by downloading):
 * - onnx-community/Qwen3.5-2B-ONNX lists q4 and q4f16 files for all three parts, one external-data chunk each
 *   (a transformers.js replay test pinned at revision b1fc7ca3); q4 ≈ 1.75 GB, q4f16 ≈ 1.58 GB in total.
 * - onnx-community/Qwen3.5-0.8B-ONNX has embed_tokens_q4, vision_encoder_fp16, a q8 vision encoder (loaded on
 *   CPU as `{embed_tokens: "fp32", vision_encoder: "q8", decoder_model_merged: "q4"}` by a public Node project)
 *   and decoder_model_merged_q4 (+ .onnx_data); q4 ≈ 0.72 GB in total.
 * - onnx-community/Qwen3-VL-2B-Instruct-ONNX lists q4 files for all three parts: vision_encoder_q4.onnx_data
 *   218 MB, embed_tokens_q4.onnx_data 199 MB, decoder_model_merged_q4.onnx_data 1.10 GB (≈ 1.52 GB in total).
 * - Qwen2.5-VL 7B: no transformers.js export was found. onnx-community publishes Qwen2.5-VL-3B-Instruct-ONNX
 *   (q4f16 ≈ 2.55 GB) but no 7B; a Qwen2-VL-7B export by another user uses a different file layout.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { ConfigurationError } from "../../errors.js";

/** The Qwen-VL families the native runtime knows (config.json `model_type`). */
export type QwenFamily = "qwen2_5_vl" | "qwen3_vl" | "qwen3_5";
export const QWEN_FAMILIES: readonly QwenFamily[] = ["qwen2_5_vl", "qwen3_vl", "qwen3_5"];

/** The three ONNX sessions of a transformers.js Qwen-VL export. */
export type SessionName = "embed_tokens" | "vision_encoder" | "decoder_model_merged";
export const SESSION_NAMES: readonly SessionName[] = [
  "embed_tokens",
  "vision_encoder",
  "decoder_model_merged",
];

/** File precisions of transformers.js exports, and the file-name suffix of each (utils/dtypes.js, 4.3.1). */
export const DTYPE_SUFFIXES = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
} as const;
export type OnnxDtype = keyof typeof DTYPE_SUFFIXES;

/** Per session, the dtypes to use in order of preference: the first the export has is taken. */
export type DtypePlan = Readonly<Record<SessionName, readonly OnnxDtype[]>>;

/**
 * Our CPU choice for every registry model. Decoder q4: 4-bit MatMulNBits weights with float32 activations, the
 * fastest decode on CPU and a quarter of the fp32 size (q4f16 and fp16 carry float16 activations, which ONNX
 * Runtime's CPU kernels mostly run through casts or not at all). Embeddings q4: a lookup table, so precision
 * costs nothing at run time and q4 cuts a 248k-token table from ~2 GB to ~0.25 GB. Vision encoder q8 where the
 * export has it (8-bit keeps image features closer to the original than 4-bit; int8 matmuls are fast on CPU),
 * else q4 — the one precision every export above is known to list.
 */
export const CPU_DTYPE_PLAN: DtypePlan = {
  embed_tokens: ["q4", "q8"],
  vision_encoder: ["q8", "q4"],
  decoder_model_merged: ["q4", "q8"],
};

/** Exports made by users (fine-tunes) may have only full-precision files: accept those last. */
export const FINE_TUNED_DTYPE_PLAN: DtypePlan = {
  embed_tokens: ["q4", "q8", "fp32"],
  vision_encoder: ["q8", "q4", "fp32"],
  decoder_model_merged: ["q4", "q8", "fp32"],
};

/** One native label. */
export interface NativeModelEntry {
  readonly label: string;
  /** Hub repo in the transformers.js layout; null when no export is known (see `note`). */
  readonly repo: string | null;
  /** The original checkpoint: the model name vLLM / SGLang serve it under by default. */
  readonly servedName: string;
  readonly family: QwenFamily;
  /** The chat template has an `enable_thinking` switch. */
  readonly thinking: boolean;
  readonly dtypes: DtypePlan;
  /** Download size of the q4 files as listed on the hub, for `models list`. */
  readonly approxBytes?: number;
  readonly note?: string;
}

const GB = 1_000_000_000;

/** Label → export. Labels are the block's (models.ts NATIVE_MODEL_LABELS). */
export const NATIVE_MODEL_REGISTRY: readonly NativeModelEntry[] = [
  {
    label: "Qwen 2.5 VL 7B",
    repo: null,
    servedName: "Qwen/Qwen2.5-VL-7B-Instruct",
    family: "qwen2_5_vl",
    thinking: false,
    dtypes: CPU_DTYPE_PLAN,
    note:
      "no ONNX export of Qwen2.5-VL-7B in the transformers.js layout is known on the Hugging Face hub " +
      "(onnx-community has Qwen2.5-VL-3B-Instruct-ONNX, not 7B)",
  },
  {
    label: "Qwen 3 VL 2B",
    repo: "onnx-community/Qwen3-VL-2B-Instruct-ONNX",
    servedName: "Qwen/Qwen3-VL-2B-Instruct",
    family: "qwen3_vl",
    thinking: false,
    dtypes: CPU_DTYPE_PLAN,
    approxBytes: 1.52 * GB,
  },
  {
    label: "Qwen 3.5 VL 0.8B",
    repo: "onnx-community/Qwen3.5-0.8B-ONNX",
    servedName: "Qwen/Qwen3.5-0.8B",
    family: "qwen3_5",
    thinking: true,
    dtypes: CPU_DTYPE_PLAN,
    approxBytes: 0.72 * GB,
  },
  {
    label: "Qwen 3.5 VL 2B",
    repo: "onnx-community/Qwen3.5-2B-ONNX",
    servedName: "Qwen/Qwen3.5-2B",
    family: "qwen3_5",
    thinking: true,
    dtypes: CPU_DTYPE_PLAN,
    approxBytes: 1.75 * GB,
  },
];

/** The registry entry of a label, if it is one. */
export function registryEntry(label: string): NativeModelEntry | undefined {
  return NATIVE_MODEL_REGISTRY.find((entry) => entry.label === label);
}

/** The environment variable that overrides a label's repo: "Qwen 3.5 VL 2B" → QWEN_VLM_MODEL_REPO_QWEN_3_5_VL_2B. */
export function repoOverrideEnvName(label: string): string {
  return `QWEN_VLM_MODEL_REPO_${label
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_|_$/g, "")}`;
}

/** Where a model's files come from: a hub repo (downloaded into the cache) or a folder on this machine. */
export type ModelLocation =
  | { readonly kind: "hub"; readonly repo: string; readonly revision: string }
  | { readonly kind: "folder"; readonly folder: string };

/** A model id (label or fine-tuned id) resolved to files, with what is known before loading them. */
export interface ResolvedModel {
  /** What the caller asked for, for messages. */
  readonly requested: string;
  readonly label?: string;
  readonly location: ModelLocation;
  /** Known from the registry; otherwise read from config.json when the files are there. */
  readonly family?: QwenFamily;
  readonly dtypes: DtypePlan;
  /** The model name to send to an OpenAI-compatible server. */
  readonly servedName: string;
}

/** How to resolve: the environment and per-call repo overrides (label → repo id or folder). */
export interface ResolveOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repoOverrides?: Readonly<Record<string, string>>;
}

const HUB_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** True for an `owner/name` hub repo id. */
export function isHubRepoId(value: string): boolean {
  return HUB_REPO.test(value) && !value.includes("..");
}

/**
 * Resolves a native model id: a registry label (with its overrides), or a fine-tuned model given as a local
 * folder or a hub repo id (`owner/name`, optionally `owner/name@revision`).
 */
export function resolveNativeModel(model: string, options: ResolveOptions): ResolvedModel {
  const entry = registryEntry(model);
  if (entry) {
    const override = options.repoOverrides?.[entry.label] ?? options.env[repoOverrideEnvName(entry.label)];
    if (override?.trim()) {
      const location = locate(override.trim(), `${repoOverrideEnvName(entry.label)} (${entry.label})`);
      return {
        requested: model,
        label: entry.label,
        location,
        dtypes: FINE_TUNED_DTYPE_PLAN,
        servedName: entry.servedName,
      };
    }
    if (!entry.repo) {
      throw new ConfigurationError(
        `"${entry.label}" cannot run in process: ${entry.note}. Set ${repoOverrideEnvName(entry.label)} to a hub repo or ` +
          `folder with such an export, or serve ${entry.servedName} on a GPU server (vLLM, SGLang) and set ` +
          `QWEN_VLM_NATIVE_URL, or pick another model_version`,
      );
    }
    return {
      requested: model,
      label: entry.label,
      location: { kind: "hub", repo: entry.repo, revision: "main" },
      family: entry.family,
      dtypes: entry.dtypes,
      servedName: entry.servedName,
    };
  }
  const id = model.trim();
  if (id === "") {
    throw new ConfigurationError(
      "fine_tuned_model_id is empty: give the folder or hub repo id of your model's ONNX export (transformers.js layout)",
    );
  }
  return {
    requested: model,
    location: locate(id, "fine_tuned_model_id"),
    dtypes: FINE_TUNED_DTYPE_PLAN,
    servedName: id,
  };
}

/** A folder when it looks like a path or exists; a hub repo when it is `owner/name[@revision]`. */
function locate(value: string, what: string): ModelLocation {
  const expanded = value.startsWith("~/") ? path.join(homedir(), value.slice(2)) : value;
  const looksLikePath = /^(\.{0,2}\/|~\/|[A-Za-z]:[\\/])/.test(value);
  if (looksLikePath || existsSync(expanded)) return { kind: "folder", folder: path.resolve(expanded) };
  const [repo = "", revision = "main"] = value.split("@");
  if (isHubRepoId(repo)) return { kind: "hub", repo, revision };
  throw new ConfigurationError(
    `${what} "${value}" is neither an existing folder nor a hub repo id like "owner/name": give the folder of an ` +
      "ONNX export in the transformers.js layout, or its repo id on the Hugging Face hub",
  );
}

/** The family of a config.json `model_type`, if it is one we run. */
export function familyOfModelType(modelType: unknown): QwenFamily | undefined {
  return QWEN_FAMILIES.find((family) => family === modelType);
}

/** Qwen2.5-VL answers grounding prompts in absolute pixels of its input image; later families on a 0–1000 grid. */
export function boxCoordinatesOf(family: QwenFamily | undefined): "relative-1000" | "absolute-pixels" {
  return family === "qwen2_5_vl" ? "absolute-pixels" : "relative-1000";
}

/** Qwen3.5's chat template has the `enable_thinking` switch; Qwen2.5-VL's and Qwen3-VL Instruct's do not. */
export function familyThinks(family: QwenFamily | undefined): boolean {
  return family === "qwen3_5";
}

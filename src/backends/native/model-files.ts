/**
 * Which files a transformers.js Qwen-VL export needs, and what a folder of them says about itself. Mirrors
 * @huggingface/transformers 4.3.1: session files `onnx/<session><dtype suffix>.onnx` (models/session_config.js,
 * utils/dtypes.js); external weights `<file>.onnx_data`, `<file>.onnx_data_1`, … when
 * `config["transformers.js_config"].use_external_data_format` says so, keyed by file name or session name
 * (utils/model-loader.js `resolveExternalDataFormat`, `getExternalDataChunkNames`).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { errorMessage, ModelLoadError } from "../../errors.js";
import {
  DTYPE_SUFFIXES,
  familyOfModelType,
  type OnnxDtype,
  type QwenFamily,
  type SessionName,
} from "./registry.js";

/** JSON and text files the processor, tokenizer and model read. */
export const REQUIRED_FILES = [
  "config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
] as const;

/**
 * Files used when present: generation defaults (end-of-sequence ids), the newer processor config, and the chat
 * template, which exports saved by transformers v5 keep in chat_template.jinja instead of tokenizer_config.json.
 */
export const OPTIONAL_FILES = [
  "generation_config.json",
  "processor_config.json",
  "chat_template.jinja",
  "chat_template.json",
] as const;

/** The model-level facts read from config.json. */
export interface ModelConfig {
  readonly family: QwenFamily;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** `onnx/<session><suffix>.onnx` for a dtype. */
export function sessionFile(session: SessionName, dtype: OnnxDtype): string {
  return `onnx/${session}${DTYPE_SUFFIXES[dtype]}.onnx`;
}

/** The external-data chunk files that go with a session file, per config.json. */
export function externalDataFiles(config: ModelConfig, session: SessionName, dtype: OnnxDtype): string[] {
  const file = sessionFile(session, dtype);
  const baseName = path.posix.basename(file);
  const spec = (config.raw["transformers.js_config"] as { use_external_data_format?: unknown } | undefined)
    ?.use_external_data_format;
  let chunks = 0;
  if (spec && typeof spec === "object") {
    const byName = spec as Record<string, unknown>;
    const value = Object.hasOwn(byName, baseName) ? byName[baseName] : byName[session];
    chunks = Number(value ?? 0);
  } else {
    chunks = Number(spec ?? 0); // false = 0, true = 1, a number stays
  }
  return Array.from({ length: chunks }, (_, index) => `${file}_data${index === 0 ? "" : `_${index}`}`);
}

/** Reads config.json of a model folder; ModelLoadError naming the folder and file when it is missing or wrong. */
export async function readModelConfig(folder: string, pullHint: string): Promise<ModelConfig> {
  const file = path.join(folder, "config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ModelLoadError(
      `${folder} has no config.json (${errorMessage(error)}): it is not a model folder in the transformers.js layout${pullHint}`,
      { cause: error },
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ModelLoadError(
      `${file} is not valid JSON (${errorMessage(error)}); the folder is damaged: delete it and download the model again${pullHint}`,
      { cause: error },
    );
  }
  const family = familyOfModelType(raw.model_type);
  if (!family) {
    throw new ModelLoadError(
      `${file} has model_type ${JSON.stringify(raw.model_type)}; the native runtime runs qwen2_5_vl, qwen3_vl and ` +
        "qwen3_5 exports only",
    );
  }
  return { family, raw };
}

/** The files of one session at one dtype, the .onnx first. */
export function sessionFiles(config: ModelConfig, session: SessionName, dtype: OnnxDtype): string[] {
  return [sessionFile(session, dtype), ...externalDataFiles(config, session, dtype)];
}

/**
 * The dtype of each session in a local folder: the first in `plan` whose .onnx file is there. A chosen file whose
 * external data is missing, or a session with no file at all, is an error naming the file to get.
 */
export function localDtypes(
  folder: string,
  config: ModelConfig,
  plan: Readonly<Record<SessionName, readonly OnnxDtype[]>>,
  pullHint: string,
): Record<SessionName, OnnxDtype> {
  const chosen = {} as Record<SessionName, OnnxDtype>;
  for (const session of Object.keys(plan) as SessionName[]) {
    const candidates = plan[session];
    const dtype = candidates.find((candidate) =>
      existsSync(path.join(folder, sessionFile(session, candidate))),
    );
    if (!dtype) {
      const names = candidates.map((candidate) => sessionFile(session, candidate)).join(" or ");
      throw new ModelLoadError(`${folder} is missing ${names}${pullHint}`);
    }
    const missing = sessionFiles(config, session, dtype).find((file) => !existsSync(path.join(folder, file)));
    if (missing) throw new ModelLoadError(`${folder} is missing ${missing}${pullHint}`);
    chosen[session] = dtype;
  }
  return chosen;
}

/** The first required file a folder lacks, if any. */
export function missingRequiredFile(folder: string): string | undefined {
  return REQUIRED_FILES.find((file) => !existsSync(path.join(folder, file)));
}

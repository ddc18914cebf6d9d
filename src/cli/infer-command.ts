/** `qwen-vlm infer <image...>`: the Qwen block on images, with flags named after the block's properties. */
import type { Command } from "commander";
import { type QwenVlmImageResult, type QwenVlmOptions, runQwenVlm } from "../api/run-qwen-vlm.js";
import { InvalidArgumentError } from "../errors.js";
import { createProgress } from "./progress.js";

interface InferFlags {
  backend?: string;
  taskType?: string;
  task?: string;
  prompt?: string;
  classes?: string[];
  outputStructure?: Record<string, string>;
  modelVersion?: string;
  openrouterModelVersion?: string;
  fineTunedModelId?: string;
  apiKey?: string;
  privacyLevel?: string;
  maxTokens?: number;
  temperature?: number;
  maxConcurrentRequests?: number;
  enableThinking?: boolean;
  json?: boolean;
}

/** Adds the infer command to the program. */
export function addInferCommand(program: Command): void {
  program
    .command("infer")
    .description("Run the Qwen-VL block on images (paths, http(s) URLs or data: URLs)")
    .argument("<image...>", "images to run on, in order")
    .option("--backend <backend>", "native | openrouter")
    .option(
      "--task-type <task>",
      "unconstrained, ocr, visual-question-answering, caption, detailed-caption, classification, multi-label-classification, object-detection, structured-answering",
    )
    .option("--task <task>", "alias of --task-type")
    .option("--prompt <text>", "prompt or question (unconstrained, visual-question-answering)")
    .option("--classes <a,b,...>", "comma-separated classes", parseList)
    .option(
      "--output-structure <json>",
      'fields for structured-answering, e.g. \'{"plate": "licence plate text"}\'',
      parseStructure,
    )
    .option("--model-version <label>", "native model label")
    .option("--openrouter-model-version <label>", "OpenRouter model label or slug")
    .option(
      "--fine-tuned-model-id <id>",
      'folder or hub repo of a fine-tuned model (with --model-version "Fine-tuned model")',
    )
    .option("--api-key <key>", "OpenRouter key (default rf_key:account = OPENROUTER_API_KEY)")
    .option("--privacy-level <level>", "allow | deny | zdr (OpenRouter)")
    .option("--max-tokens <n>", "maximum tokens to generate", (value) => parseNumber("max_tokens", value))
    .option("--temperature <t>", "sampling temperature 0.0-2.0 (OpenRouter)", (value) =>
      parseNumber("temperature", value),
    )
    .option("--max-concurrent-requests <n>", "OpenRouter requests in flight", (value) =>
      parseNumber("max_concurrent_requests", value),
    )
    .option("--enable-thinking", "ask the model to reason first; the trace is returned as thinking")
    .option("--json", "print one JSON array with an object per image")
    .action(async (images: string[], flags: InferFlags) => {
      const options = toOptions(flags);
      const progress = images.length > 1 ? createProgress("images", images.length) : undefined;
      const results = await runQwenVlm(images, options, {
        onProgress: (done, total) => progress?.update(done, total),
        warn: (message) => process.stderr.write(`warning: ${message}\n`),
      });
      progress?.finish();
      process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : formatText(results));
      if (results.some((result) => result.error)) process.exitCode = 1;
    });
}

function toOptions(flags: InferFlags): QwenVlmOptions {
  if (flags.task && flags.taskType && flags.task !== flags.taskType) {
    throw new InvalidArgumentError(
      "task_type",
      `--task "${flags.task}" and --task-type "${flags.taskType}" disagree; give one`,
    );
  }
  const entries: Array<[keyof QwenVlmOptions, unknown]> = [
    ["backend", flags.backend],
    ["task_type", flags.taskType ?? flags.task],
    ["prompt", flags.prompt],
    ["classes", flags.classes],
    ["output_structure", flags.outputStructure],
    ["model_version", flags.modelVersion],
    ["openrouter_model_version", flags.openrouterModelVersion],
    ["fine_tuned_model_id", flags.fineTunedModelId],
    ["api_key", flags.apiKey],
    ["privacy_level", flags.privacyLevel],
    ["max_tokens", flags.maxTokens],
    ["temperature", flags.temperature],
    ["max_concurrent_requests", flags.maxConcurrentRequests],
    ["enable_thinking", flags.enableThinking],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as QwenVlmOptions;
}

function formatText(results: readonly QwenVlmImageResult[]): string {
  const several = results.length > 1;
  return results
    .map((result) => {
      const header = several ? `== ${result.image}\n` : "";
      if (result.error) return `${header}error: ${result.error.message}\n`;
      const thinking = result.thinking ? `[thinking]\n${result.thinking}\n[/thinking]\n` : "";
      return `${header}${thinking}${result.output}\n`;
    })
    .join(several ? "\n" : "");
}

/** "a, b,c" → ["a", "b", "c"]. */
export function parseList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function parseStructure(value: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(
      "output_structure",
      `is not valid JSON (${(error as Error).message}); pass an object like '{"field": "description"}'`,
    );
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidArgumentError(
      "output_structure",
      'must be a JSON object like \'{"field": "description"}\'',
    );
  }
  return parsed as Record<string, string>;
}

/** Parses a numeric flag, naming the property when it is not a number. */
export function parseNumber(property: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new InvalidArgumentError(property, `must be a number, got "${value}"`);
  }
  return number;
}

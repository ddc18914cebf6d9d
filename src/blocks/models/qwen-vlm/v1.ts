/**
 * `roboflow_core/qwen_vlm@v1`: run a Qwen vision-language model on each image of a batch, natively or via
 * OpenRouter, for one of nine task types. First version. Outputs per image: output, classes, thinking.
 */
import type { Block } from "../../block.js";
import { type QwenVlmParams, qwenVlmManifest } from "./manifest.js";
import { runQwenBatch } from "./run.js";

/** The Qwen-VL block, version 1. */
export const qwenVlmV1: Block<QwenVlmParams> = {
  manifest: qwenVlmManifest,
  async run(batch, context) {
    const results = await runQwenBatch(batch, context);
    return results.map((result, index) => {
      if (result instanceof Error) return result;
      for (const warning of result.warnings) context.warn?.(`image ${index}: ${warning}`);
      return { output: result.output, classes: result.classes, thinking: result.thinking };
    });
  },
};

/**
 * The block on the native backend, in process, on each tiny model family: every task type runs through the real
 * runtime (processor, chat template, vision encoder, cached greedy decoding). The text is noise; what is checked
 * is what must hold whatever the weights: token counts, max_tokens, input order, thinking, box conventions.
 */
import { describe, expect, it } from "vitest";
import { type QwenVlmOptions, runQwenVlm } from "../../src/api/run-qwen-vlm.js";
import { TASK_TYPES, type TaskType } from "../../src/blocks/models/qwen-vlm/task-types.js";
import { SHARED_IMAGES } from "../support/images.js";
import { TASK_INPUTS } from "../support/task-inputs.js";
import { TINY_MODEL_FAMILIES, tinyModelDir } from "../support/tiny-models.js";

const IMAGES = [`${SHARED_IMAGES}dogs.jpg`, `${SHARED_IMAGES}car.jpg`];
// Offline, so nothing here can reach the network; the tiny models are local folders. A small pixel budget keeps
// the processor's JavaScript image work (most of a tiny model's time) short: at most 128 image tokens (factor 28).
const MAX_PIXELS = 128 * 28 * 28;
const RUNTIME = { env: { QWEN_VLM_OFFLINE: "1", QWEN_VLM_MAX_PIXELS: String(MAX_PIXELS) } };
const MAX_TOKENS = 5;

describe.each(TINY_MODEL_FAMILIES)("native backend on the tiny %s model", (family) => {
  const options = async (taskType: TaskType, extra: QwenVlmOptions = {}): Promise<QwenVlmOptions> => ({
    backend: "native",
    model_version: "Fine-tuned model",
    fine_tuned_model_id: await tinyModelDir(family),
    task_type: taskType,
    max_tokens: MAX_TOKENS,
    ...TASK_INPUTS[taskType],
    ...extra,
  });

  it.each(TASK_TYPES)("task %s: one answer per image, at most max_tokens, with usage", async (taskType) => {
    const results = await runQwenVlm(IMAGES, await options(taskType), RUNTIME);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(typeof result.output).toBe("string");
      expect(result.usage?.completionTokens).toBeGreaterThan(0);
      expect(result.usage?.completionTokens).toBeLessThanOrEqual(MAX_TOKENS);
      // The prompt holds the image tokens (at most 128 under this budget, ~100 for these photos) and the text.
      expect(result.usage?.promptTokens).toBeGreaterThan(80);
      expect(result.usage?.promptTokens).toBeLessThan(128 + 200);
      expect(result.classes).toEqual(TASK_INPUTS[taskType].classes ?? null);
    }
  });

  it("keeps input order in a batch: each image gets the answer it gets alone", async () => {
    const batch = await runQwenVlm([IMAGES[1] ?? "", IMAGES[0] ?? ""], await options("caption"), RUNTIME);
    const alone = [];
    for (const image of [IMAGES[1] ?? "", IMAGES[0] ?? ""]) {
      alone.push((await runQwenVlm([image], await options("caption"), RUNTIME))[0]?.output);
    }
    expect(batch.map((result) => result.output)).toEqual(alone);
    expect(batch[0]?.output).not.toEqual(batch[1]?.output);
  });

  it("stops at max_tokens and says the answer was cut off", async () => {
    const [result] = await runQwenVlm(
      [IMAGES[0] ?? ""],
      await options("detailed-caption", { max_tokens: 3 }),
      RUNTIME,
    );
    expect(result?.usage?.completionTokens).toBeLessThanOrEqual(3);
    if (result?.usage?.completionTokens === 3) {
      expect(result.warnings.join(" ")).toMatch(/max_tokens/);
    }
  });

  it("object-detection asks for the family's box convention", async () => {
    const [result] = await runQwenVlm([IMAGES[0] ?? ""], await options("object-detection"), RUNTIME);
    // The tiny model writes no JSON: for Qwen2.5-VL the pixel→0–1000 conversion says it left the text alone.
    const converted = (result?.warnings ?? []).some((warning) => warning.includes('model_type "qwen-2.5"'));
    expect(converted).toBe(family === "qwen2_5_vl");
  });

  it("thinking: a trace for Qwen3.5, a warning elsewhere", async () => {
    const [result] = await runQwenVlm(
      [IMAGES[0] ?? ""],
      await options("caption", { enable_thinking: true }),
      RUNTIME,
    );
    if (family === "qwen3_5") {
      // The prompt opened <think>; a random model never closes it, so everything generated is the trace.
      expect(result?.thinking).not.toBe("");
      expect(result?.output).toBe("");
      expect(result?.warnings.join(" ")).toMatch(/thinking, before any answer/);
    } else {
      expect(result?.thinking).toBe("");
      expect(result?.warnings.join(" ")).toMatch(/enable_thinking is ignored/);
    }
  });
});

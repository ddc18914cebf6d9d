/**
 * The in-process runtime on each tiny family, without the block around it: the image reaches the model at the
 * smart-resized size within our pixel budget and becomes one image token per merged patch; generation is
 * bounded by max_tokens; Qwen3.5's template opens a think block only when asked.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatPrompt } from "../../src/backends/backend.js";
import { prepareModel, storeSettingsFromEnv } from "../../src/backends/native/model-store.js";
import { loadQwenModel, type QwenRuntimeModel } from "../../src/backends/native/onnx-runtime.js";
import { resolveNativeModel } from "../../src/backends/native/registry.js";
import { runNativeOnce } from "../../src/backends/native/run-once.js";
import { splitThinking } from "../../src/backends/thinking.js";
import { imageFromBytes, loadImage, type WorkflowImage } from "../../src/vision/image.js";
import { DEFAULT_PIXEL_BUDGET, QWEN_FAMILY_FACTORS, smartResize } from "../../src/vision/smart-resize.js";
import { SHARED_IMAGES } from "../support/images.js";
import { TINY_MODEL_FAMILIES, tinyModelDir } from "../support/tiny-models.js";

const PROMPT: ChatPrompt = { system: "Answer briefly.", user: "What is in this image?" };

describe.each(TINY_MODEL_FAMILIES)("runtime on the tiny %s model", (family) => {
  let model: QwenRuntimeModel;
  let dogs: WorkflowImage;
  const factor = QWEN_FAMILY_FACTORS[family];

  beforeAll(async () => {
    const resolved = resolveNativeModel(await tinyModelDir(family), { env: {} });
    const prepared = await prepareModel(resolved, storeSettingsFromEnv({ QWEN_VLM_OFFLINE: "1" }));
    model = await loadQwenModel(prepared);
    dogs = await loadImage(`${SHARED_IMAGES}dogs.jpg`);
  });
  afterAll(() => model.dispose());

  const generate = (
    image: WorkflowImage,
    extra: { maxTokens?: number; enableThinking?: boolean; maxPixels?: number } = {},
  ) =>
    model.generate({
      image,
      prompt: PROMPT,
      maxTokens: extra.maxTokens ?? 4,
      enableThinking: extra.enableThinking ?? false,
      pixelBudget: { ...DEFAULT_PIXEL_BUDGET, ...(extra.maxPixels ? { maxPixels: extra.maxPixels } : {}) },
    });

  it("loads the files the CPU plan picks: q4 everywhere (the tiny export has no q8)", () => {
    expect(model.family).toBe(family);
    expect(model.dtypes).toEqual({ embed_tokens: "q4", vision_encoder: "q4", decoder_model_merged: "q4" });
  });

  it("puts one image token per merged patch of the smart-resized image in the prompt", async () => {
    const output = await generate(dogs);
    const size = smartResize(427, 640, {
      factor,
      ...DEFAULT_PIXEL_BUDGET,
      implementation: "transformers.js",
    });
    expect(output.modelInputSize).toEqual(size);
    expect(output.imageTokens).toBe((size.width / factor) * (size.height / factor));
    expect(output.promptTokens).toBeGreaterThan(output.imageTokens);
  });

  it("keeps a large photo within the pixel budget instead of thousands of image tokens", async () => {
    const photo = await imageFromBytes(
      await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#4080c0" } })
        .jpeg()
        .toBuffer(),
      "4000×3000 photo",
    );
    const maxPixels = 200_000;
    const output = await generate(photo, { maxPixels, maxTokens: 1 });
    const { width, height } = output.modelInputSize;
    expect(width * height).toBeLessThanOrEqual(maxPixels);
    expect(width % factor).toBe(0);
    expect(height % factor).toBe(0);
    expect(output.imageTokens).toBe((width / factor) * (height / factor));
    expect(output.imageTokens).toBeLessThanOrEqual(maxPixels / factor ** 2);
  });

  it("generates at most max_tokens, says why it stopped, and times each phase", async () => {
    const output = await generate(dogs, { maxTokens: 6 });
    expect(output.completionTokens).toBeLessThanOrEqual(6);
    expect(output.finishReason).toBe(output.completionTokens === 6 ? "length" : "stop");
    expect(output.timings.preprocessMs).toBeGreaterThan(0);
    expect(output.timings.generateMs).toBeGreaterThanOrEqual(output.timings.firstTokenMs);
  });

  it("decodes greedily: the same answer twice", async () => {
    expect((await generate(dogs)).text).toBe((await generate(dogs)).text);
  });

  it("passes enable_thinking to the chat template: only Qwen3.5 opens a think block", async () => {
    const on = await generate(dogs, { enableThinking: true, maxTokens: 3 });
    const off = await generate(dogs, { enableThinking: false, maxTokens: 3 });
    expect(on.traceOpenedInPrompt).toBe(family === "qwen3_5");
    expect(off.traceOpenedInPrompt).toBe(false);
    if (family === "qwen3_5") {
      // "<think>" "\n" versus "<think>" "\n\n" "</think>" "\n\n": the closed block is two tokens longer.
      expect(off.promptTokens - on.promptTokens).toBe(2);
      expect(splitThinking(on.text, { traceOpenedInPrompt: on.traceOpenedInPrompt }).answer).toBe("");
    } else {
      expect(on.promptTokens).toBe(off.promptTokens);
    }
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop now"));
    await expect(
      model.generate({
        image: dogs,
        prompt: PROMPT,
        maxTokens: 50,
        enableThinking: false,
        pixelBudget: DEFAULT_PIXEL_BUDGET,
        signal: controller.signal,
      }),
    ).rejects.toThrow("stop now");
  });
});

describe("runNativeOnce (the benchmark's entry point)", () => {
  it("loads a folder, answers once, and reports timings and memory", async () => {
    const report = await runNativeOnce(await tinyModelDir("qwen3_vl"), `${SHARED_IMAGES}dogs.jpg`, PROMPT, {
      maxTokens: 4,
      dtypes: { vision_encoder: "fp32" },
    });
    expect(report.dtypes).toEqual({ embed_tokens: "q4", vision_encoder: "fp32", decoder_model_merged: "q4" });
    expect(report.loadMs).toBeGreaterThan(0);
    expect(report.completionTokens).toBeLessThanOrEqual(4);
    expect(report.imageTokens).toBe(260);
    expect(report.peakRssBytes).toBeGreaterThan(10_000_000);
  });
});

/**
 * A model whose preprocessor_config.json leaves out do_normalize (as the Qwen3-VL and Qwen3.5 exports on the hub
 * do) still sees normalized pixels: it answers exactly as the same model with the setting spelled out.
 */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareModel, storeSettingsFromEnv } from "../../src/backends/native/model-store.js";
import { loadQwenModel } from "../../src/backends/native/onnx-runtime.js";
import {
  applyPythonProcessorDefaults,
  OPENAI_CLIP_MEAN,
  OPENAI_CLIP_STD,
} from "../../src/backends/native/processor-defaults.js";
import { resolveNativeModel } from "../../src/backends/native/registry.js";
import { loadImage } from "../../src/vision/image.js";
import { DEFAULT_PIXEL_BUDGET } from "../../src/vision/smart-resize.js";
import { SHARED_IMAGES } from "../support/images.js";
import { tinyModelDir } from "../support/tiny-models.js";

async function answer(folder: string): Promise<string> {
  const prepared = await prepareModel(
    resolveNativeModel(folder, { env: {} }),
    storeSettingsFromEnv({ QWEN_VLM_OFFLINE: "1" }),
  );
  const model = await loadQwenModel(prepared);
  try {
    const output = await model.generate({
      image: await loadImage(`${SHARED_IMAGES}dogs.jpg`),
      prompt: { system: "", user: "What is this?" },
      maxTokens: 8,
      enableThinking: false,
      pixelBudget: DEFAULT_PIXEL_BUDGET,
    });
    return output.text;
  } finally {
    await model.dispose();
  }
}

describe("Python's image-processor defaults", () => {
  it("fills only what the config leaves out", () => {
    const omitted = { config: {} };
    expect(applyPythonProcessorDefaults(omitted)).toEqual([
      "do_normalize",
      "image_mean",
      "image_std",
      "resample",
    ]);
    expect(omitted).toMatchObject({
      do_normalize: true,
      image_mean: [...OPENAI_CLIP_MEAN],
      image_std: [...OPENAI_CLIP_STD],
      resample: 3,
    });
    const given = {
      do_normalize: false,
      resample: 2,
      image_mean: [0.5],
      image_std: [0.5],
      config: { do_normalize: false, resample: 2, image_mean: [0.5], image_std: [0.5] },
    };
    expect(applyPythonProcessorDefaults(given)).toEqual([]);
    expect(given).toMatchObject({ do_normalize: false, resample: 2, image_mean: [0.5] });
  });

  it("a Qwen3.5 export without do_normalize answers as the same model with it", async () => {
    const original = await tinyModelDir("qwen3_5");
    const stripped = await mkdtemp(join(tmpdir(), "qwen-vlm-no-normalize-"));
    await cp(original, stripped, { recursive: true });
    const configPath = join(stripped, "preprocessor_config.json");
    const { do_normalize: _dropped, ...config } = JSON.parse(await readFile(configPath, "utf8"));
    await writeFile(configPath, JSON.stringify(config));
    expect(await answer(stripped)).toBe(await answer(original));
  });
});

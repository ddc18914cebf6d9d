/**
 * The native registry, its overrides and settings, `models list`, and the thinking split the native runtime
 * applies (conformance: ../shared/conformance/thinking.json).
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createNativeBackend } from "../../src/backends/native/native-backend.js";
import { dtypeOverridesFromEnv, pixelBudgetFromEnv } from "../../src/backends/native/native-settings.js";
import {
  NATIVE_MODEL_REGISTRY,
  repoOverrideEnvName,
  resolveNativeModel,
} from "../../src/backends/native/registry.js";
import { splitThinking } from "../../src/backends/thinking.js";
import { NATIVE_MODEL_LABELS } from "../../src/blocks/models/qwen-vlm/models.js";
import { listModels } from "../../src/cli/models-command.js";
import { DEFAULT_PIXEL_BUDGET } from "../../src/vision/smart-resize.js";
import { tinyModelDir } from "../support/tiny-models.js";

describe("native registry", () => {
  it("has an entry for every native label of the block, with a family and a dtype for each part", () => {
    expect(NATIVE_MODEL_REGISTRY.map((entry) => entry.label)).toEqual([...NATIVE_MODEL_LABELS]);
    for (const entry of NATIVE_MODEL_REGISTRY) {
      expect(Object.keys(entry.dtypes).sort()).toEqual([
        "decoder_model_merged",
        "embed_tokens",
        "vision_encoder",
      ]);
      expect(entry.dtypes.decoder_model_merged[0]).toBe("q4");
    }
  });

  it("maps the default label to its hub export", () => {
    const resolved = resolveNativeModel("Qwen 3.5 VL 2B", { env: {} });
    expect(resolved.location).toEqual({
      kind: "hub",
      repo: "onnx-community/Qwen3.5-2B-ONNX",
      revision: "main",
    });
    expect(resolved.family).toBe("qwen3_5");
    expect(resolved.servedName).toBe("Qwen/Qwen3.5-2B");
  });

  it("lets the user point any label at another repo or a folder", async () => {
    expect(repoOverrideEnvName("Qwen 3.5 VL 0.8B")).toBe("QWEN_VLM_MODEL_REPO_QWEN_3_5_VL_0_8B");
    const env = { QWEN_VLM_MODEL_REPO_QWEN_3_VL_2B: "me/my-export@v2" };
    expect(resolveNativeModel("Qwen 3 VL 2B", { env }).location).toEqual({
      kind: "hub",
      repo: "me/my-export",
      revision: "v2",
    });
    const folder = await tinyModelDir("qwen3_vl");
    const resolved = resolveNativeModel("Qwen 3 VL 2B", {
      env: {},
      repoOverrides: { "Qwen 3 VL 2B": folder },
    });
    expect(resolved.location).toEqual({ kind: "folder", folder });
  });

  it("says why Qwen 2.5 VL 7B cannot run in process and what to do instead", () => {
    expect(() => resolveNativeModel("Qwen 2.5 VL 7B", { env: {} })).toThrow(
      /no ONNX export of Qwen2\.5-VL-7B.*QWEN_VLM_MODEL_REPO_QWEN_2_5_VL_7B.*QWEN_VLM_NATIVE_URL/,
    );
  });

  it("takes a fine-tuned model as a folder or a hub repo id, and refuses anything else", () => {
    expect(resolveNativeModel("acme/qwen-finetune", { env: {} }).location.kind).toBe("hub");
    expect(resolveNativeModel("./some/folder", { env: {} }).location.kind).toBe("folder");
    expect(() => resolveNativeModel("", { env: {} })).toThrow(/fine_tuned_model_id is empty/);
    expect(() => resolveNativeModel("not a repo", { env: {} })).toThrow(
      /neither an existing folder nor a hub repo id/,
    );
  });

  it("tells the block the box convention of each family", async () => {
    const backend = await createNativeBackend({ env: { QWEN_VLM_OFFLINE: "1" } });
    expect(await backend.describeModel?.("Qwen 3.5 VL 2B")).toEqual({
      family: "qwen3_5",
      boxCoordinates: "relative-1000",
    });
    expect(await backend.describeModel?.(await tinyModelDir("qwen2_5_vl"))).toEqual({
      family: "qwen2_5_vl",
      boxCoordinates: "absolute-pixels",
    });
  });
});

describe("native settings", () => {
  it("reads the pixel budget and refuses nonsense", () => {
    expect(pixelBudgetFromEnv({})).toEqual(DEFAULT_PIXEL_BUDGET);
    expect(pixelBudgetFromEnv({ QWEN_VLM_MAX_PIXELS: "200704" })).toEqual({
      minPixels: 3136,
      maxPixels: 200704,
    });
    expect(() => pixelBudgetFromEnv({ QWEN_VLM_MAX_PIXELS: "lots" })).toThrow(
      /QWEN_VLM_MAX_PIXELS: must be an integer/,
    );
    expect(() => pixelBudgetFromEnv({ QWEN_VLM_MAX_PIXELS: "1000" })).toThrow(/below QWEN_VLM_MIN_PIXELS/);
  });

  it("reads precision overrides for all parts or some", () => {
    expect(dtypeOverridesFromEnv({ QWEN_VLM_MODEL_DTYPE: "fp32" })).toEqual({
      embed_tokens: "fp32",
      vision_encoder: "fp32",
      decoder_model_merged: "fp32",
    });
    expect(
      dtypeOverridesFromEnv({ QWEN_VLM_MODEL_DTYPE: "vision_encoder=fp16, decoder_model_merged=q4" }),
    ).toEqual({
      vision_encoder: "fp16",
      decoder_model_merged: "q4",
    });
    expect(() => dtypeOverridesFromEnv({ QWEN_VLM_MODEL_DTYPE: "q3" })).toThrow(/unknown precision "q3"/);
    expect(() => dtypeOverridesFromEnv({ QWEN_VLM_MODEL_DTYPE: "decoder=q4" })).toThrow(
      /unknown model part "decoder"/,
    );
  });
});

describe("models list", () => {
  it("shows every label, its repo and size, and which are cached where", async () => {
    const modelDir = await mkdtemp(path.join(tmpdir(), "qwen-vlm-list-"));
    try {
      const rows = await listModels({
        QWEN_VLM_MODEL_DIR: modelDir,
        QWEN_VLM_MODEL_REPO_QWEN_3_5_VL_0_8B: await tinyModelDir("qwen3_5"),
      });
      const byLabel = Object.fromEntries(rows.map((row) => [row.label, row]));
      expect(byLabel["Qwen 3.5 VL 0.8B"]?.cached).toBe(true);
      expect(byLabel["Qwen 3.5 VL 2B"]).toMatchObject({
        repo: "onnx-community/Qwen3.5-2B-ONNX",
        cached: false,
        size: "~1.75 GB",
        folder: path.join(modelDir, "onnx-community", "Qwen3.5-2B-ONNX"),
      });
      expect(byLabel["Qwen 2.5 VL 7B"]?.note).toMatch(/no ONNX export/);
    } finally {
      await rm(modelDir, { recursive: true, force: true });
    }
  });
});

describe("thinking split as the native runtime applies it (thinking.json)", () => {
  const vectors = JSON.parse(
    readFileSync(new URL("../../../shared/conformance/thinking.json", import.meta.url), "utf8"),
  ) as Array<{
    name: string;
    enable_thinking: boolean;
    raw: string;
    expected: { thinking: string | null; answer: string };
  }>;

  it.each(vectors.map((vector) => [vector.name, vector] as const))("%s", (_, vector) => {
    const split = splitThinking(vector.raw, { traceOpenedInPrompt: vector.enable_thinking });
    expect(split.answer).toBe(vector.expected.answer);
    expect(split.thinking).toBe(vector.expected.thinking ?? "");
  });

  it("an unclosed trace after a prompt that opened <think> is all thinking", () => {
    expect(splitThinking("still going", { traceOpenedInPrompt: true })).toEqual({
      answer: "",
      thinking: "still going",
    });
  });
});

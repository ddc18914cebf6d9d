/** The Qwen block's manifest: defaults, selector-capable properties, and every validator's message. */
import { describe, expect, it } from "vitest";
import { runQwenVlm } from "../../../src/api/run-qwen-vlm.js";
import { manifestJsonSchema } from "../../../src/blocks/describe.js";
import { qwenVlmManifest } from "../../../src/blocks/models/qwen-vlm/manifest.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { solidDataUrl } from "../../support/images.js";

const check = (raw: Record<string, unknown>, unresolved: string[] = []) =>
  checkProperties(qwenVlmManifest, raw, new Set(["images", ...unresolved]));

describe("Qwen manifest", () => {
  it("fills the seed's defaults", () => {
    const { values, problems } = check({});
    expect(problems).toEqual([
      { property: "prompt", message: 'is required when task_type is "unconstrained"' },
    ]);
    expect(values).toMatchObject({
      backend: "native",
      model_version: "Qwen 3.5 VL 2B",
      openrouter_model_version: "Qwen 3.6 27B",
      task_type: "unconstrained",
      enable_thinking: false,
      api_key: "rf_key:account",
      privacy_level: "deny",
      max_tokens: 500,
      temperature: 0.1,
    });
    expect(values).not.toHaveProperty("max_concurrent_requests");
  });

  it("marks exactly the seed's dynamic properties as accepting selectors", () => {
    const dynamic = Object.entries(qwenVlmManifest.properties)
      .filter(([, spec]) => spec.selectorKinds)
      .map(([name]) => name)
      .sort();
    expect(dynamic).toEqual(
      [
        "api_key",
        "classes",
        "fine_tuned_model_id",
        "images",
        "model_version",
        "openrouter_model_version",
        "prompt",
        "temperature",
      ].sort(),
    );
    expect(qwenVlmManifest.outputs.map((output) => [output.name, output.kinds])).toEqual([
      ["output", ["string", "language_model_output"]],
      ["classes", ["list_of_values"]],
      ["thinking", ["string"]],
    ]);
  });

  it.each([
    [{ task_type: "unconstrained" }, "prompt", /required when task_type is "unconstrained"/],
    [{ task_type: "visual-question-answering", prompt: "  " }, "prompt", /required/],
    [{ task_type: "classification" }, "classes", /required when task_type is "classification"/],
    [{ task_type: "multi-label-classification", classes: [] }, "classes", /required/],
    [{ task_type: "object-detection" }, "classes", /required/],
    [{ task_type: "structured-answering" }, "output_structure", /required/],
    [{ task_type: "drawing" }, "task_type", /"drawing" is not one of the allowed values/],
    [{ task_type: "ocr", backend: "cloud" }, "backend", /"cloud" is not one of/],
    [{ task_type: "ocr", privacy_level: "DENY" }, "privacy_level", /"DENY" is not one of/],
    [{ task_type: "ocr", temperature: 2.5 }, "temperature", /must be ≤ 2, got 2.5/],
    [{ task_type: "ocr", temperature: -0.1 }, "temperature", /must be ≥ 0/],
    [{ task_type: "ocr", max_tokens: 1 }, "max_tokens", /must be > 1, got 1/],
    [{ task_type: "ocr", max_tokens: 10.5 }, "max_tokens", /integer/],
    [{ task_type: "ocr", max_concurrent_requests: 0 }, "max_concurrent_requests", /must be ≥ 1/],
    [{ task_type: "ocr", classes: "dog" }, "classes", /must be a list, got "dog"/],
    [{ task_type: "ocr", enable_thinking: "yes" }, "enable_thinking", /must be a boolean/],
    [
      { task_type: "ocr", model_version: "Qwen 9 VL" },
      "model_version",
      /"Qwen 9 VL" is not a native Qwen-VL model/,
    ],
    [
      { task_type: "ocr", openrouter_model_version: "Qwen 9" },
      "openrouter_model_version",
      /neither an OpenRouter model label nor/,
    ],
    [
      { task_type: "ocr", model_version: "Fine-tuned model" },
      "fine_tuned_model_id",
      /required when model_version is "Fine-tuned model"/,
    ],
    [{ task_type: "ocr", colour: "red" }, "colour", /not a property of roboflow_core\/qwen_vlm@v1/],
  ])("%j → %s", (raw, property, message) => {
    const { problems } = check(raw);
    expect(problems[0]?.property).toBe(property);
    expect(problems[0]?.message).toMatch(message);
  });

  it("lists valid values for enums and model labels", () => {
    expect(check({ task_type: "ocr", backend: "cloud" }).problems[0]?.validValues).toEqual([
      "native",
      "openrouter",
    ]);
    expect(check({ task_type: "ocr", model_version: "x" }).problems[0]?.validValues).toContain(
      "Qwen 3.5 VL 0.8B",
    );
  });

  it("backend/model mismatch names both the backend and the model, and lists the valid labels", () => {
    const native = check({ task_type: "ocr", backend: "native", model_version: "Qwen 3.6 27B" }).problems[0];
    expect(native?.message).toMatch(/"Qwen 3.6 27B" is an OpenRouter model.*backend is "native"/);
    expect(native?.validValues).toEqual([
      "Qwen 2.5 VL 7B",
      "Qwen 3 VL 2B",
      "Qwen 3.5 VL 0.8B",
      "Qwen 3.5 VL 2B",
      "Fine-tuned model",
    ]);
    const remote = check({
      task_type: "ocr",
      backend: "openrouter",
      openrouter_model_version: "Qwen 3.5 VL 2B",
    }).problems[0];
    expect(remote?.message).toMatch(/"Qwen 3.5 VL 2B" is a native model.*backend is "openrouter"/);
    expect(remote?.validValues).toContain("Qwen 3.6 27B");
  });

  it("accepts raw OpenRouter slugs and the image alias", () => {
    expect(
      check({ task_type: "ocr", backend: "openrouter", openrouter_model_version: "qwen/qwen3.7-plus" })
        .problems,
    ).toEqual([]);
    const aliased = checkProperties(qwenVlmManifest, { image: "x", task_type: "ocr" }, new Set(["images"]));
    expect(aliased.problems).toEqual([]);
  });

  it("defers checks on properties bound to selectors", () => {
    expect(check({ task_type: "classification" }, ["classes"]).problems).toEqual([]);
    expect(check({ task_type: "ocr", model_version: "ignored" }, ["model_version"]).problems).toEqual([]);
  });

  it("describes itself as JSON Schema with selector alternatives", () => {
    const schema = manifestJsonSchema(qwenVlmManifest) as {
      properties: Record<
        string,
        { anyOf?: Array<Record<string, unknown>>; default?: unknown; enum?: unknown }
      >;
      required: string[];
    };
    expect(schema.required).toEqual(["type", "name"]);
    expect(schema.properties.temperature?.anyOf?.[0]).toMatchObject({
      type: "number",
      minimum: 0,
      maximum: 2,
    });
    expect(schema.properties.temperature?.anyOf?.[1]).toMatchObject({ "x-kinds": ["float"] });
    expect(schema.properties.privacy_level).toMatchObject({
      enum: ["allow", "deny", "zdr"],
      default: "deny",
    });
    expect(schema.properties.task_type?.enum).toHaveLength(9);
  });

  it("the library call refuses invalid options before loading any image", async () => {
    const call = runQwenVlm([await solidDataUrl(4, 4)], {
      task_type: "classification",
      backend: "openrouter",
    });
    await expect(call).rejects.toThrow(InvalidArgumentError);
    await expect(call).rejects.toThrow(/classes: is required when task_type is "classification"/);
    await expect(runQwenVlm([], { task_type: "ocr" })).rejects.toThrow(/no images given/);
  });
});

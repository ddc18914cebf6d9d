/** The detector blocks (v1, v2): results equal the parser's, Roboflow's output shapes, validators, isolation. */
import { describe, expect, it } from "vitest";
import type { Block } from "../../../src/blocks/block.js";
import type { VlmAsDetectorParams } from "../../../src/blocks/formatters/vlm-as-detector/detector-block.js";
import { parseDetections } from "../../../src/blocks/formatters/vlm-as-detector/parse.js";
import { vlmAsDetectorV1 } from "../../../src/blocks/formatters/vlm-as-detector/v1.js";
import { vlmAsDetectorV2 } from "../../../src/blocks/formatters/vlm-as-detector/v2.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import type { Detections } from "../../../src/vision/detections.js";
import type { WorkflowImage } from "../../../src/vision/image.js";
import { recordingContext, solidImage, UUID_PATTERN } from "../block-test-support.js";
import { loadVectors } from "./conformance-vectors.js";

interface DetectorVector {
  name: string;
  version: "v1" | "v2";
  model_type: string;
  task_type: string;
  classes: string[];
  image_wh: [number, number];
  vlm_output: string;
  expected: { error_status: boolean };
}

const BLOCKS: Record<"v1" | "v2", Block<VlmAsDetectorParams>> = { v1: vlmAsDetectorV1, v2: vlmAsDetectorV2 };
const vectors = loadVectors<DetectorVector>("detector.json");

/** Detections without their random ids, for comparing two parses of one answer. */
function withoutIds(detections: Detections | null | undefined): unknown {
  if (!detections) return detections;
  return { ...detections, items: detections.items.map(({ detectionId: _id, ...rest }) => rest) };
}

describe.each(["v1", "v2"] as const)("vlm_as_detector@%s block", (version) => {
  const block = BLOCKS[version];

  it("gives every vector of one batch (valid and invalid mixed) the parser's result, in order", async () => {
    const own = vectors.filter((vector) => vector.version === version);
    expect(own.some((vector) => vector.expected.error_status)).toBe(true);
    const images = await Promise.all(own.map((vector) => solidImage(...vector.image_wh)));
    const batch = own.map((vector, index) => ({
      image: images[index] as WorkflowImage,
      vlm_output: vector.vlm_output,
      classes: vector.classes,
      model_type: vector.model_type,
      task_type: vector.task_type as VlmAsDetectorParams["task_type"],
    }));
    const results = await block.run(batch, recordingContext());
    own.forEach((vector, index) => {
      const result = results[index] as Record<string, unknown>;
      const image = images[index] as WorkflowImage;
      const parsed = parseDetections(vector.vlm_output, {
        version,
        modelType: vector.model_type,
        taskType: vector.task_type,
        classes: vector.classes,
        image,
        parentId: image.id,
      });
      expect(result.error_status, vector.name).toBe(vector.expected.error_status);
      expect(result.inference_id).toMatch(UUID_PATTERN);
      expect(withoutIds(result.predictions as Detections | null), vector.name).toEqual(
        withoutIds(parsed.detections),
      );
    });
  });

  it("declares Roboflow's properties and outputs, inference_id typed per version", () => {
    const { manifest } = block;
    expect(Object.keys(manifest.properties)).toEqual([
      "image",
      "vlm_output",
      "classes",
      "model_type",
      "task_type",
    ]);
    expect(manifest.properties.model_type?.selectorKinds).toBeUndefined();
    expect(manifest.properties.task_type?.selectorKinds).toBeUndefined();
    expect(manifest.outputs.map((output) => [output.name, output.kinds])).toEqual([
      ["error_status", ["boolean"]],
      ["predictions", ["object_detection_prediction"]],
      ["inference_id", [version === "v1" ? "string" : "inference_id"]],
    ]);
  });

  it("requires classes unless a selector will give them", () => {
    const raw = { model_type: "google-gemini", task_type: "object-detection" };
    expect(checkProperties(block.manifest, raw, new Set(["image", "vlm_output"])).problems).toEqual([
      {
        property: "classes",
        message: expect.stringMatching(/^is required for model_type "google-gemini"/),
      },
    ]);
    expect(
      checkProperties(block.manifest, raw, new Set(["image", "vlm_output", "classes"])).problems,
    ).toEqual([]);
  });

  it("refuses Florence-2, whose output is not parsed here, and explains", () => {
    const { problems } = checkProperties(
      block.manifest,
      { model_type: "florence-2", task_type: "object-detection", classes: ["a"] },
      new Set(["image", "vlm_output"]),
    );
    expect(problems).toEqual([
      { property: "model_type", message: expect.stringContaining("not parsed by this project") },
    ]);
  });
});

describe("vlm_as_detector model_type / task_type validation", () => {
  const unresolved = new Set(["image", "vlm_output"]);
  const check = (block: Block<VlmAsDetectorParams>, raw: Record<string, unknown>) =>
    checkProperties(block.manifest, { classes: ["dog"], ...raw }, unresolved).problems;

  it("accepts every parsed model type of each version with object-detection", () => {
    for (const modelType of ["google-gemini", "anthropic-claude"]) {
      expect(check(vlmAsDetectorV1, { model_type: modelType, task_type: "object-detection" })).toEqual([]);
    }
    for (const modelType of [
      "openai",
      "google-gemini",
      "anthropic-claude",
      "spacexai",
      "qwen",
      "qwen-2.5",
      "muse",
    ]) {
      expect(check(vlmAsDetectorV2, { model_type: modelType, task_type: "object-detection" })).toEqual([]);
    }
  });

  it("points a v2-only model type given to v1 at v2", () => {
    expect(check(vlmAsDetectorV1, { model_type: "qwen", task_type: "object-detection" })).toEqual([
      {
        property: "model_type",
        message: '"qwen" is not a model type of vlm_as_detector@v1 (vlm_as_detector@v2 accepts it).',
        validValues: ["google-gemini", "anthropic-claude"],
      },
    ]);
  });

  it("names the valid model types for an unknown one", () => {
    const [problem] = check(vlmAsDetectorV2, { model_type: "qwen3", task_type: "object-detection" });
    expect(problem?.property).toBe("model_type");
    expect(problem?.validValues).toContain("qwen-2.5");
  });

  it("says a detector task other than object-detection is Florence-2's alone", () => {
    expect(check(vlmAsDetectorV2, { model_type: "qwen", task_type: "region-proposal" })).toEqual([
      {
        property: "task_type",
        message: expect.stringContaining('parses "object-detection" only, not "region-proposal"'),
        validValues: ["object-detection"],
      },
    ]);
  });

  it("refuses a task type no detector has, listing them", () => {
    const [problem] = check(vlmAsDetectorV2, { model_type: "qwen", task_type: "caption" });
    expect(problem).toMatchObject({
      property: "task_type",
      message: '"caption" is not one of the allowed values',
    });
    expect(problem?.validValues).toContain("ocr-with-text-detection");
  });

  it("requires model_type and task_type (Roboflow gives them no default)", () => {
    expect(check(vlmAsDetectorV2, {})).toEqual([
      { property: "model_type", message: "is required" },
      // zod reports a missing enum value as a value outside the enum; the valid choices come with it.
      {
        property: "task_type",
        message: "nothing is not one of the allowed values",
        validValues: expect.any(Array),
      },
    ]);
  });
});

describe("vlm_as_detector@v2 at run time", () => {
  it("converts qwen-2.5 pixel boxes exactly as the parser does", async () => {
    const image = await solidImage(1280, 720);
    const answer = '```json\n[{"box_2d": [100, 50, 400, 300], "label": "dog"}]\n```';
    const [result] = await vlmAsDetectorV2.run(
      [
        {
          image,
          vlm_output: answer,
          classes: ["cat", "dog"],
          model_type: "qwen-2.5",
          task_type: "object-detection",
        },
      ],
      recordingContext(),
    );
    const parsed = parseDetections(answer, {
      version: "v2",
      modelType: "qwen-2.5",
      taskType: "object-detection",
      classes: ["cat", "dog"],
      image,
      parentId: image.id,
    });
    const predictions = (result as Record<string, unknown>).predictions as Detections;
    expect(withoutIds(predictions)).toEqual(withoutIds(parsed.detections));
    expect(predictions.items[0]).toMatchObject({ classId: 1, className: "dog" });
    expect(predictions.parentId).toBe(image.id);
  });

  it("fails only the element whose combination cannot be parsed (values that skipped the manifest)", async () => {
    const image = await solidImage(100, 100);
    const good = { image, vlm_output: '[{"box_2d": [0, 0, 500, 500], "label": "a"}]', classes: ["a"] };
    const results = await vlmAsDetectorV2.run(
      [
        { ...good, model_type: "qwen", task_type: "object-detection" },
        { ...good, model_type: "florence-2", task_type: "object-detection" },
        { ...good, vlm_output: "nothing", model_type: "qwen", task_type: "object-detection" },
      ],
      recordingContext(),
    );
    expect(results[0]).toMatchObject({ error_status: false });
    expect(((results[0] as Record<string, unknown>).predictions as Detections).items).toHaveLength(1);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toContain("florence-2");
    expect(results[2]).toEqual({
      error_status: true,
      predictions: null,
      inference_id: expect.stringMatching(UUID_PATTERN),
    });
  });
});

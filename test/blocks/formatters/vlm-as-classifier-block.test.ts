/** The classifier blocks (v1, v2): results equal the parser's, Roboflow's output shapes, per-element isolation. */
import { describe, expect, it } from "vitest";
import type { Block } from "../../../src/blocks/block.js";
import type { VlmAsClassifierParams } from "../../../src/blocks/formatters/vlm-as-classifier/classifier-block.js";
import { parseClassification } from "../../../src/blocks/formatters/vlm-as-classifier/parse.js";
import { vlmAsClassifierV1 } from "../../../src/blocks/formatters/vlm-as-classifier/v1.js";
import { vlmAsClassifierV2 } from "../../../src/blocks/formatters/vlm-as-classifier/v2.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import type { WorkflowImage } from "../../../src/vision/image.js";
import { recordingContext, solidImage, UUID_PATTERN } from "../block-test-support.js";
import { loadVectors } from "./conformance-vectors.js";

interface ClassifierVector {
  name: string;
  versions: ("v1" | "v2")[];
  classes: string[];
  image_wh: [number, number];
  vlm_output: string;
  expected: { error_status: boolean };
}

const BLOCKS: Record<"v1" | "v2", Block<VlmAsClassifierParams>> = {
  v1: vlmAsClassifierV1,
  v2: vlmAsClassifierV2,
};
const vectors = loadVectors<ClassifierVector>("classifier.json");

describe.each(["v1", "v2"] as const)("vlm_as_classifier@%s block", (version) => {
  const block = BLOCKS[version];

  it("gives every vector of one batch (valid and invalid mixed) the parser's result, in order", async () => {
    const own = vectors.filter((vector) => vector.versions.includes(version));
    expect(own.some((vector) => vector.expected.error_status)).toBe(true);
    expect(own.some((vector) => !vector.expected.error_status)).toBe(true);
    const images = await Promise.all(own.map((vector) => solidImage(...vector.image_wh)));
    const batch = own.map((vector, index) => ({
      image: images[index] as WorkflowImage,
      vlm_output: vector.vlm_output,
      classes: vector.classes,
    }));
    const results = await block.run(batch, recordingContext());
    expect(results).toHaveLength(own.length);
    own.forEach((vector, index) => {
      const result = results[index] as Record<string, unknown>;
      const image = images[index] as WorkflowImage;
      const parsed = parseClassification(vector.vlm_output, vector.classes, image);
      expect(result.error_status, vector.name).toBe(vector.expected.error_status);
      expect(result.inference_id).toMatch(UUID_PATTERN);
      expect(result.predictions).toEqual(
        parsed.predictions === null
          ? null
          : { ...parsed.predictions, inference_id: result.inference_id, parent_id: image.id },
      );
    });
  });

  it("returns Roboflow's shapes: the inference id inside and beside the prediction, one fresh id per element", async () => {
    const image = await solidImage(30, 20);
    const answer = '{"class_name": "cat", "confidence": 0.9}';
    const results = await block.run(
      [
        { image, vlm_output: answer, classes: ["cat", "dog"] },
        { image, vlm_output: answer, classes: ["cat", "dog"] },
        { image, vlm_output: "no JSON here", classes: ["cat"] },
      ],
      recordingContext(),
    );
    const [first, second, failed] = results as Record<string, unknown>[];
    expect(Object.keys(first ?? {})).toEqual(["error_status", "predictions", "inference_id"]);
    expect(first?.predictions).toMatchObject({
      image: { width: 30, height: 20 },
      top: "cat",
      confidence: 0.9,
      inference_id: first?.inference_id,
      parent_id: image.id,
    });
    expect(second?.inference_id).not.toBe(first?.inference_id);
    expect(failed).toEqual({
      error_status: true,
      predictions: null,
      inference_id: expect.stringMatching(UUID_PATTERN),
    });
  });

  it("says why error_status is true, naming its type identifier", async () => {
    const context = recordingContext();
    await block.run(
      [{ image: await solidImage(8, 8), vlm_output: '{"some": "data"}', classes: ["a"] }],
      context,
    );
    expect(context.warnings).toEqual([
      expect.stringContaining(`${block.manifest.type}, element 0: error_status is true`),
    ]);
    expect(context.warnings[0]).toContain('"some"');
  });

  it("fails only the element that throws", async () => {
    const image = await solidImage(8, 8);
    const results = await block.run(
      [
        { image, vlm_output: '{"class_name": "a", "confidence": 1}', classes: ["a"] },
        // A value no schema would pass (a Symbol cannot become text): reading it throws for this element alone.
        { image, vlm_output: Symbol("not text") as unknown as string, classes: ["a"] },
      ],
      recordingContext(),
    );
    expect(results[0]).toMatchObject({ error_status: false });
    expect(results[1]).toBeInstanceOf(Error);
  });

  it("declares Roboflow's properties and outputs, inference_id typed per version", () => {
    const { manifest } = block;
    expect(Object.keys(manifest.properties)).toEqual(["image", "vlm_output", "classes"]);
    expect(manifest.properties.vlm_output?.selectorKinds).toEqual(["language_model_output"]);
    expect(manifest.properties.classes?.selectorKinds).toEqual(["list_of_values"]);
    expect(manifest.outputs.map((output) => [output.name, output.kinds])).toEqual([
      ["error_status", ["boolean"]],
      ["predictions", ["classification_prediction"]],
      ["inference_id", [version === "v1" ? "string" : "inference_id"]],
    ]);
  });

  it("requires classes", () => {
    const { problems } = checkProperties(block.manifest, {}, new Set(["image", "vlm_output"]));
    expect(problems).toEqual([{ property: "classes", message: "is required" }]);
  });
});

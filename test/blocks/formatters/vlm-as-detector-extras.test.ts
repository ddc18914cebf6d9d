// Detector behaviour beyond the conformance vectors: our qwen-2.5 model type, version differences,
// unsupported combinations, and the tolerances as they reach detections.
import { describe, expect, it } from "vitest";
import { detectorCombinationProblem } from "../../../src/blocks/formatters/vlm-as-detector/model-types.js";
import {
  type DetectorParseOptions,
  parseDetections,
} from "../../../src/blocks/formatters/vlm-as-detector/parse.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { serializeDetections } from "../../../src/vision/detections.js";

const base: DetectorParseOptions = {
  version: "v2",
  modelType: "qwen",
  taskType: "object-detection",
  classes: ["cat", "dog"],
  image: { width: 640, height: 480 },
  parentId: "img-1",
};

function boxes(text: string, options: Partial<DetectorParseOptions> = {}) {
  const result = parseDetections(text, { ...base, ...options });
  return result.detections?.items.map((d) => [d.xMin, d.yMin, d.xMax, d.yMax]) ?? null;
}

describe("qwen-2.5 (absolute pixels of the smart-resized image)", () => {
  it("maps boxes from the 476×644 model input of a 480×640 image back to the original", () => {
    // smartResize(480, 640, factor 28, default budget) = 476 × 644, so x scales by 640/644, y by 480/476.
    const text =
      '[{"bbox_2d": [0, 0, 644, 476], "label": "cat"}, {"bbox_2d": [322, 238, 700, 500], "label": "dog"}]';
    expect(boxes(text, { modelType: "qwen-2.5" })).toEqual([
      [0, 0, 640, 480],
      [320, 240, 640, 480],
    ]);
  });

  it("scales down from a large photo with the default budget (1920×1080 → 840×448)", () => {
    const text = '[{"bbox_2d": [420, 224, 840, 448], "label": "cat"}]';
    expect(boxes(text, { modelType: "qwen-2.5", image: { width: 1920, height: 1080 } })).toEqual([
      [960, 540, 1920, 1080],
    ]);
  });

  it("uses a given pixel budget, or the exact model input size when the caller knows it", () => {
    const image = { width: 1920, height: 1080 };
    const text = '[{"bbox_2d": [966, 546, 1932, 1092], "label": "cat"}]';
    const hubBudget = { minPixels: 3136, maxPixels: 12845056 }; // resizes 1920×1080 to 1932×1092
    expect(boxes(text, { modelType: "qwen-2.5", image, pixelBudget: hubBudget })).toEqual([
      [960, 540, 1920, 1080],
    ]);
    const known = { width: 1932, height: 1092 };
    expect(boxes(text, { modelType: "qwen-2.5", image, modelInputSize: known })).toEqual([
      [960, 540, 1920, 1080],
    ]);
  });

  it("is v2 only, like qwen", () => {
    expect(() => parseDetections("[]", { ...base, version: "v1", modelType: "qwen-2.5" })).toThrow(
      /vlm_as_detector@v2 accepts it/,
    );
  });
});

describe("model type and task type combinations", () => {
  it("every model type parses object-detection only, naming the valid task type", () => {
    expect(detectorCombinationProblem("v2", "qwen", "open-vocabulary-object-detection")).toEqual({
      property: "task_type",
      message: expect.stringContaining('parses "object-detection" only'),
      validValues: ["object-detection"],
    });
  });

  it("v1 accepts gemini and claude only (florence-2 is Roboflow's, not parsed here)", () => {
    expect(detectorCombinationProblem("v1", "google-gemini", "object-detection")).toBeUndefined();
    expect(detectorCombinationProblem("v1", "openai", "object-detection")).toMatchObject({
      property: "model_type",
      validValues: ["google-gemini", "anthropic-claude"],
    });
    expect(detectorCombinationProblem("v2", "florence-2", "object-detection")?.message).toContain(
      "not parsed by this project",
    );
  });

  it("parseDetections throws an InvalidArgumentError for an unsupported combination", () => {
    expect(() => parseDetections("[]", { ...base, taskType: "region-proposal" })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe("v1 and v2 read anthropic-claude differently, as Roboflow does", () => {
  const nativeBoxes = '[{"box_2d": [0, 0, 500, 500], "label": "cat"}]';

  it("v1 reads Claude with the Gemini reader (box_2d accepted)", () => {
    expect(boxes(nativeBoxes, { version: "v1", modelType: "anthropic-claude" })).toEqual([[0, 0, 320, 240]]);
  });

  it("v2 reads Claude in the legacy normalized convention only", () => {
    const result = parseDetections(nativeBoxes, { ...base, modelType: "anthropic-claude" });
    expect(result).toMatchObject({ errorStatus: true, detections: null });
    expect(result.error).toContain('{"detections": [...]}');
    const legacy =
      '{"detections": [{"x_min": 0.5, "y_min": 0.5, "x_max": 1, "y_max": 1, "class_name": "dog"}]}';
    expect(boxes(legacy, { modelType: "anthropic-claude" })).toEqual([[320, 240, 640, 480]]);
  });
});

describe("tolerances reaching detections", () => {
  it("a Qwen list cut off by the token limit keeps its complete boxes", () => {
    const text = '```json\n[{"box_2d": [0, 0, 500, 500], "label": "cat"}, {"box_2d": [500, 500, 10';
    const result = parseDetections(text, base);
    expect(result.detections?.items.map((d) => d.className)).toEqual(["cat"]);
    expect(result.warnings).toContain("the output was cut off; kept its complete part");
  });

  it("prose around a Qwen answer", () => {
    expect(
      boxes('Here are the boxes:\n[{"box_2d": [0, 0, 1000, 1000], "label": "dog"}]\nLet me know!'),
    ).toEqual([[0, 0, 640, 480]]);
  });

  it("rounds half to even like np.round (a 0.5 pixel edge goes to the even pixel)", () => {
    // On a 100×100 image the box scales to [0.5, 1.5, 2.5, 3.5]; half to even gives [0, 2, 2, 4].
    expect(
      boxes('[{"box_2d": [5, 15, 25, 35], "label": "cat"}]', { image: { width: 100, height: 100 } }),
    ).toEqual([[0, 2, 2, 4]]);
  });

  it("muse: loose objects are recovered, and a plain error says what was expected", () => {
    expect(
      boxes('{"label": "cat", "x_min": 0, "y_min": 0, "x_max": 500, "y_max": 500}', { modelType: "muse" }),
    ).toEqual([[0, 0, 320, 240]]);
    const result = parseDetections('{"objects": []}', { ...base, modelType: "muse" });
    expect(result.error).toContain("x_min");
  });
});

describe("divergences from Roboflow", () => {
  // Python takes len() of whatever sits under "detections", so {} or "" count as no detections and any
  // other non-list fails later; we say plainly that a list was expected.
  it('divergence: a non-list "detections" value is an error even when empty (Roboflow: {} is no detections)', () => {
    const result = parseDetections('{"detections": {}}', { ...base, modelType: "google-gemini" });
    expect(result).toMatchObject({ errorStatus: true, error: expect.stringContaining("must be a list") });
  });
});

describe("output shape", () => {
  it("serializes in the inference server's shape with parent_id and injected detection ids", () => {
    const result = parseDetections('[{"box_2d": [0, 0, 500, 1000], "label": "dog"}]', {
      ...base,
      createDetectionId: () => "d-1",
    });
    expect(result.detections && serializeDetections(result.detections)).toEqual({
      image: { width: 640, height: 480 },
      predictions: [
        {
          x: 160,
          y: 240,
          width: 320,
          height: 480,
          confidence: 1,
          class: "dog",
          class_id: 1,
          detection_id: "d-1",
          parent_id: "img-1",
        },
      ],
    });
  });

  it("an empty answer is success with no detections and the image size kept", () => {
    expect(parseDetections("[]", base)).toMatchObject({
      errorStatus: false,
      detections: { image: { width: 640, height: 480 }, items: [] },
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  type DetectionsParseResult,
  parseDetections,
} from "../../../src/blocks/formatters/vlm-as-detector/parse.js";
import { type AllClose, expectAllClose, loadVectors } from "./conformance-vectors.js";

interface DetectorVector {
  name: string;
  version: "v1" | "v2";
  model_type: string;
  task_type: string;
  classes: string[];
  image_wh: [number, number];
  vlm_output: string;
  expected: {
    error_status: boolean;
    xyxy: number[][] | null;
    class_id: number[] | null;
    class_name: string[] | null;
    confidence: number[] | null;
  };
  asserted_fields: string[];
  tolerance?: Partial<Record<"xyxy" | "confidence" | "class_id", AllClose>>;
  exact_output?: { xyxy: number[][] };
}

const EXACT: AllClose = { rtol: 0, atol: 0 };

function columns(result: DetectionsParseResult) {
  const items = result.detections?.items;
  return {
    error_status: result.errorStatus,
    xyxy: items?.map((d) => [d.xMin, d.yMin, d.xMax, d.yMax]) ?? null,
    class_id: items?.map((d) => d.classId) ?? null,
    class_name: items?.map((d) => d.className) ?? null,
    confidence: items?.map((d) => d.confidence) ?? null,
  };
}

// Every expected field is checked: with the vector's tolerance where it gives one, exactly otherwise
// (fields outside `asserted_fields` are the Python code's exact output, so matching them exactly is the
// stricter test). The assertions named in `asserted_fields` that are not fields are checked on top.
function checkVector(vector: DetectorVector): void {
  const [width, height] = vector.image_wh;
  const result = parseDetections(vector.vlm_output, {
    version: vector.version,
    modelType: vector.model_type,
    taskType: vector.task_type,
    classes: vector.classes,
    image: { width, height },
    parentId: "image",
  });
  const actual = columns(result);
  expect(actual.error_status).toBe(vector.expected.error_status);
  for (const field of ["xyxy", "class_id", "confidence"] as const) {
    const expected = vector.expected[field];
    if (expected === null) expect(actual[field], field).toBeNull();
    else expectAllClose(actual[field], expected, vector.tolerance?.[field] ?? EXACT, field);
  }
  expect(actual.class_name).toEqual(vector.expected.class_name);
  if (vector.exact_output) expectAllClose(actual.xyxy, vector.exact_output.xyxy, EXACT, "exact xyxy");
  for (const assertion of vector.asserted_fields) {
    if (assertion === "predictions is None" || assertion.startsWith("raises ValueError")) {
      expect(result.detections).toBeNull();
      expect(result.error).toBeTruthy();
    }
    const length = /^len(?:\(predictions\))? == (\d+)$/.exec(assertion);
    if (length) expect(result.detections?.items.length).toBe(Number(length[1]));
  }
  if (result.detections) {
    expect(result.detections.image).toEqual({ width, height });
    expect(result.detections.parentId).toBe("image");
  }
}

describe("vlm_as_detector conformance (detector.json)", () => {
  it.each(loadVectors<DetectorVector>("detector.json"))("$name", checkVector);
});

describe("vlm_as_detector conformance, other model families (detector_other.json)", () => {
  it.each(loadVectors<DetectorVector>("detector_other.json"))("$name", checkVector);
});

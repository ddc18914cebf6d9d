import { describe, expect, it } from "vitest";
import { geminiBoxToPixelXyxy } from "../../../src/blocks/formatters/vlm-as-detector/gemini-boxes.js";
import { openaiBoxToPixelXyxy } from "../../../src/blocks/formatters/vlm-as-detector/openai-boxes.js";
import {
  qwenBoxToPixelXyxy,
  qwenDetectionBox,
  qwenDetectionClassName,
  readQwenBoxes,
} from "../../../src/blocks/formatters/vlm-as-detector/qwen-boxes.js";
import { expectAllClose, expectApprox, loadVectors } from "./conformance-vectors.js";

interface BoxHelperVector {
  name: string;
  model_type: "google-gemini" | "openai";
  detection: Record<string, unknown>;
  image_wh: [number, number];
  expected_xyxy: number[];
  comparison: string;
}

describe("box conversions (detector_box_helpers.json)", () => {
  it.each(loadVectors<BoxHelperVector>("detector_box_helpers.json"))("$name", (vector) => {
    const [width, height] = vector.image_wh;
    const convert = vector.model_type === "openai" ? openaiBoxToPixelXyxy : geminiBoxToPixelXyxy;
    const xyxy = convert(vector.detection, { width, height });
    if (vector.comparison.startsWith("exact")) expect([...xyxy]).toEqual(vector.expected_xyxy);
    else expectApprox(xyxy, vector.expected_xyxy);
  });
});

interface QwenBoxVector {
  name: string;
  detection: unknown;
  image_wh: [number, number];
  expected_xyxy: number[] | null;
  helper: string;
  tolerance?: { rel: number; abs: number } | { rtol: number; atol: number };
}

describe("Qwen boxes (qwen_boxes.json)", () => {
  it.each(loadVectors<QwenBoxVector>("qwen_boxes.json"))("$name", (vector) => {
    const [width, height] = vector.image_wh;
    const box = qwenDetectionBox(vector.detection);
    if (vector.expected_xyxy === null) {
      expect(box).toBeNull();
      // In a whole answer the entry is skipped rather than failing the parse.
      expect(readQwenBoxes([vector.detection], { width, height })).toEqual([]);
      return;
    }
    expect(box).not.toBeNull();
    const xyxy = qwenBoxToPixelXyxy(box ?? [0, 0, 0, 0], { width, height });
    const tolerance = vector.tolerance;
    if (tolerance && "rel" in tolerance)
      expectApprox(xyxy, vector.expected_xyxy, tolerance.rel, tolerance.abs);
    else expectAllClose([...xyxy], vector.expected_xyxy, tolerance ?? { rtol: 0, atol: 0 }, "xyxy");
  });
});

interface QwenLabelVector {
  name: string;
  detection: Record<string, unknown>;
  expected_class_name: string;
}

describe("Qwen labels (qwen_labels.json)", () => {
  it.each(loadVectors<QwenLabelVector>("qwen_labels.json"))("$name", (vector) => {
    expect(qwenDetectionClassName(vector.detection)).toBe(vector.expected_class_name);
  });
});

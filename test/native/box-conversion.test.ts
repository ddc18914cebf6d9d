/**
 * Qwen2.5-VL's detection answers (absolute pixels of the image it saw) rewritten on the 0–1000 grid, so the
 * detector parser's `qwen` model type reads them as `qwen-2.5` would have read the original.
 */
import { describe, expect, it } from "vitest";
import type { VlmResult } from "../../src/backends/backend.js";
import { parseDetections } from "../../src/blocks/formatters/vlm-as-detector/parse.js";
import { toRelativeBoxes } from "../../src/blocks/models/qwen-vlm/run.js";

// dogs.jpg (640×427) as Qwen2.5-VL's processor resizes it: 644×420 (smart resize, factor 28).
const IMAGE = { width: 640, height: 427 };
const MODEL_INPUT = { width: 644, height: 420 };
const ANSWER =
  'Here are the dogs:\n```json\n[\n  {"bbox_2d": [12, 40, 300, 415], "label": "dog"},\n' +
  '  {"bbox_2d": [330, 60, 700, 400], "label": "dog"},\n  {"bbox_2d": [1, 2], "label": "broken"}\n]\n```';

const result = (output: string, modelInputSize?: { width: number; height: number }): VlmResult => ({
  output,
  thinking: "",
  warnings: [],
  ...(modelInputSize ? { modelInputSize } : {}),
});

describe("Qwen2.5-VL pixel boxes → 0–1000", () => {
  it("rewrites a hand-written answer: scaled to the grid, clamped to the image, malformed entries dropped", () => {
    const warnings: string[] = [];
    const output = toRelativeBoxes(result(ANSWER, MODEL_INPUT), warnings);
    expect(warnings).toEqual([]);
    expect(JSON.parse(output)).toEqual([
      { box_2d: [19, 95, 466, 988], label: "dog" },
      // x_max 700 is past the 644-pixel edge: clamped to 1000, as the parsers clamp.
      { box_2d: [512, 143, 1000, 952], label: "dog" },
    ]);
  });

  it("gives the qwen parser the boxes the qwen-2.5 parser reads from the original answer (within a pixel of rounding)", () => {
    const common = {
      version: "v2",
      taskType: "object-detection",
      classes: ["dog"],
      image: IMAGE,
      parentId: "p",
    } as const;
    const converted = parseDetections(toRelativeBoxes(result(ANSWER, MODEL_INPUT), []), {
      ...common,
      modelType: "qwen",
    });
    const direct = parseDetections(ANSWER, { ...common, modelType: "qwen-2.5", modelInputSize: MODEL_INPUT });
    const boxes = (parsed: typeof direct) =>
      (parsed.detections?.items ?? []).map((item) =>
        [item.xMin, item.yMin, item.xMax, item.yMax].map((value) => Math.round(value)),
      );
    expect(converted.errorStatus).toBe(false);
    const [a, b] = [boxes(converted), boxes(direct)];
    expect(a).toHaveLength(2);
    a.forEach((box, row) => {
      box.forEach((value, column) => {
        expect(Math.abs(value - (b[row]?.[column] ?? Number.NaN))).toBeLessThanOrEqual(1);
      });
    });
  });

  it("leaves an answer without JSON unchanged and says how to parse it", () => {
    const warnings: string[] = [];
    expect(toRelativeBoxes(result("I see two dogs.", MODEL_INPUT), warnings)).toBe("I see two dogs.");
    expect(warnings[0]).toMatch(/644×420 input image and no JSON was found.*model_type "qwen-2.5"/);
  });

  it("leaves the answer unchanged when the backend did not say what size the model saw", () => {
    const warnings: string[] = [];
    expect(toRelativeBoxes(result(ANSWER), warnings)).toBe(ANSWER);
    expect(warnings[0]).toMatch(/did not report/);
  });

  it("reads the {detections: [...]} wrapping and label aliases as the parser does", () => {
    const output = toRelativeBoxes(
      result('{"detections": [{"box_2d": [0, 0, 322, 210], "class_name": "cat"}]}', MODEL_INPUT),
      [],
    );
    expect(JSON.parse(output)).toEqual([{ box_2d: [0, 0, 500, 500], label: "cat" }]);
  });
});

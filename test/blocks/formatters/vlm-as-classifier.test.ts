import { describe, expect, it } from "vitest";
import { parseClassification } from "../../../src/blocks/formatters/vlm-as-classifier/parse.js";
import { expectMatches, loadVectors } from "./conformance-vectors.js";

interface ClassifierVector {
  name: string;
  versions: ("v1" | "v2")[];
  classes: string[];
  image_wh: [number, number];
  vlm_output: string;
  expected: { error_status: boolean; predictions: unknown };
  tolerance?: Record<string, number>;
  compare_as_set?: string[];
}

const vectors = loadVectors<ClassifierVector>("classifier.json");
// Roboflow's v1 and v2 parse identically (v2 only retypes its inference_id output), so one function
// serves both; each vector still runs once per version it lists.
const cases = vectors.flatMap((vector) => vector.versions.map((version) => ({ ...vector, version })));

describe("vlm_as_classifier conformance (classifier.json)", () => {
  it("runs every vector", () => {
    expect(cases.length).toBeGreaterThanOrEqual(vectors.length);
  });

  it.each(cases)("$name ($version)", (vector) => {
    const [width, height] = vector.image_wh;
    const result = parseClassification(vector.vlm_output, vector.classes, { width, height });
    expectMatches({ error_status: result.errorStatus, predictions: result.predictions }, vector.expected, {
      tolerances: vector.tolerance ?? {},
      sets: vector.compare_as_set ?? [],
    });
    if (result.errorStatus) expect(result.error).toBeTruthy();
  });
});

describe("parseClassification beyond the vectors", () => {
  const image = { width: 10, height: 20 };

  it("says why an unknown structure fails", () => {
    const result = parseClassification('{"some": "data"}', ["a"], image);
    expect(result.error).toContain('"some"');
  });

  it("clamps confidences into [0, 1] and lists unknown single-label answers first", () => {
    const result = parseClassification('{"class_name": "x", "confidence": 3}', ["a"], image);
    expect(result.predictions).toEqual({
      image,
      predictions: [
        { class: "x", class_id: -1, confidence: 1 },
        { class: "a", class_id: 0, confidence: 0 },
      ],
      top: "x",
      confidence: 1,
    });
  });

  it("uses the id of the last occurrence of a class listed twice, as Roboflow's dict index does", () => {
    const result = parseClassification('{"class_name": "a", "confidence": 0.5}', ["a", "b", "a"], image);
    expect(result.predictions).toMatchObject({
      predictions: [
        { class: "a", class_id: 2, confidence: 0.5 },
        { class: "b", class_id: 1, confidence: 0 },
      ],
    });
  });

  it('tolerance: a numeric class name matches its string class (digit classifiers answer 7, not "7")', () => {
    const result = parseClassification('{"class_name": 7, "confidence": 0.9}', ["6", "7"], image);
    expect(result.predictions).toMatchObject({ top: "7", confidence: 0.9 });
  });

  it("accepts Python float() strings with whitespace, and rejects words as confidences", () => {
    const ok = parseClassification('{"class_name": "a", "confidence": " 0.25 "}', ["a"], image);
    expect(ok.predictions).toMatchObject({ confidence: 0.25 });
    const bad = parseClassification('{"class_name": "a", "confidence": "high"}', ["a"], image);
    expect(bad).toMatchObject({ errorStatus: true, predictions: null });
    expect(bad.error).toContain('"high"');
  });

  it("tolerance: prose around the JSON", () => {
    const result = parseClassification(
      'The image shows a cat. {"class_name": "cat", "confidence": 0.8} I am fairly sure.',
      ["cat", "dog"],
      image,
    );
    expect(result.predictions).toMatchObject({ top: "cat", confidence: 0.8 });
    expect(result.warnings).toContain("ignored text around the JSON");
  });

  it("tolerance: a multi-label list cut off by the token limit keeps its complete entries", () => {
    const result = parseClassification(
      '```json\n{"predicted_classes": [{"class": "cat", "confidence": 0.9}, {"class": "do',
      ["cat", "dog"],
      image,
    );
    expect(result.predictions).toMatchObject({ predicted_classes: ["cat"] });
    expect(result.warnings).toContain("the output was cut off; kept its complete part");
  });

  // Divergence: Python's min(max(nan, 0), 1) passes NaN through and the prediction serializes with a null
  // confidence; an error that says why is more useful to whoever reads error_status.
  it("divergence: a NaN confidence is an error (Roboflow would pass NaN through)", () => {
    const result = parseClassification('{"class_name": "a", "confidence": "nan"}', ["a"], image);
    expect(result).toMatchObject({ errorStatus: true, predictions: null, error: "confidence is NaN" });
  });

  // Divergence: Python would succeed with top class None (serialized as null); a class must be a name.
  it("divergence: a null class_name is an error (Roboflow would report the class None)", () => {
    const result = parseClassification('{"class_name": null, "confidence": 0.5}', ["a"], image);
    expect(result.error).toContain("class_name must be a string, got null");
  });

  it("a predicted_classes entry without confidence is an error", () => {
    const result = parseClassification('{"predicted_classes": [{"class": "cat"}]}', ["cat"], image);
    expect(result.error).toContain('predicted_classes[0] has no "confidence"');
  });

  it("an empty predicted_classes list is a valid answer with every class at 0", () => {
    const result = parseClassification('{"predicted_classes": []}', ["cat"], image);
    expect(result.predictions).toEqual({
      image,
      predictions: { cat: { confidence: 0, class_id: 0 } },
      predicted_classes: [],
    });
  });

  it("stores a class named __proto__ as a plain key", () => {
    const result = parseClassification(
      '{"predicted_classes": [{"class": "__proto__", "confidence": 0.5}]}',
      [],
      image,
    );
    const predictions = (result.predictions as { predictions: Record<string, unknown> }).predictions;
    expect(Object.keys(predictions)).toEqual(["__proto__"]);
  });
});

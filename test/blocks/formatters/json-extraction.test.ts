// Each tolerance of extractJson beyond Roboflow's rule, shown on the kind of text models really emit.
import { describe, expect, it } from "vitest";
import { extractJson, parseLikeRoboflow } from "../../../src/blocks/formatters/json-extraction.js";

function value(text: string): unknown {
  const result = extractJson(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("extractJson: Roboflow's rule", () => {
  it("parses the first ```json block only, in any letter case and without newlines", () => {
    expect(value('```JSON{"a": 1}``` ```json\n{"a": 2}\n```')).toEqual({ a: 1 });
  });

  it("parses the whole text when there is no ```json block", () => {
    expect(value('  [{"a": 1}]\n')).toEqual([{ a: 1 }]);
    expect(parseLikeRoboflow("prose {}")).toBeUndefined();
  });

  it("notes nothing when Roboflow's rule suffices", () => {
    expect(extractJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 }, notes: [] });
  });
});

describe("extractJson: tolerances", () => {
  it("prose before and after the JSON", () => {
    const result = extractJson('I found these objects:\n[{"box_2d": [1, 2, 3, 4], "label": "cat"}]\nDone.');
    expect(result).toEqual({
      ok: true,
      value: [{ box_2d: [1, 2, 3, 4], label: "cat" }],
      notes: ["ignored text around the JSON"],
    });
  });

  it("a fence without the json tag, or with another tag", () => {
    expect(value('```\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(value('```javascript\n{"a": 1}\n```')).toEqual({ a: 1 });
  });

  it("skips bracketed numbers and brace prose before the real JSON", () => {
    expect(value('Coordinates are in [0, 1000] {as asked}: [{"label": "cat"}]')).toEqual([{ label: "cat" }]);
  });

  it("trailing commas", () => {
    expect(extractJson('[{"a": 1,}, {"a": 2},]')).toEqual({
      ok: true,
      value: [{ a: 1 }, { a: 2 }],
      notes: ["removed trailing commas"],
    });
  });

  it("output cut off inside a list keeps the whole elements only", () => {
    const text = '```json\n[{"box_2d": [1, 2, 3, 4], "label": "cat"}, {"box_2d": [5, 6, 7';
    expect(extractJson(text)).toEqual({
      ok: true,
      value: [{ box_2d: [1, 2, 3, 4], label: "cat" }],
      notes: ["the output was cut off; kept its complete part"],
    });
  });

  it("output cut off inside a list element's string drops that element", () => {
    expect(value('[{"label": "cat"}, {"label": "do')).toEqual([{ label: "cat" }]);
  });

  it("output cut off inside a top-level object keeps its complete members", () => {
    expect(value('{"a": {"x": 1}, "b": [1, 2], "c": "unfinis')).toEqual({ a: { x: 1 }, b: [1, 2] });
  });

  it("output cut off inside a wrapped list keeps the wrapper", () => {
    expect(value('{"detections": [{"label": "a"}, {"label": "b"}, {"lab')).toEqual({
      detections: [{ label: "a" }, { label: "b" }],
    });
  });

  it("a string containing brackets and escaped quotes does not confuse the scanner", () => {
    expect(value('Answer: {"text": "a \\"quoted\\" [x] {y}"} end')).toEqual({ text: 'a "quoted" [x] {y}' });
  });
});

describe("extractJson: still errors", () => {
  it("no JSON at all", () => {
    const result = extractJson("I cannot see any objects.");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("no JSON object or array found");
  });

  it("two JSON documents back to back are ambiguous (Roboflow's vectors expect an error)", () => {
    const result = extractJson('{"a": 1}\n{"a": 2}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("several JSON documents");
  });

  it("output cut off before any complete element", () => {
    const result = extractJson('[{"box_2d": [1, 2');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("cut off before any complete element");
  });

  it("a broken first ```json block is not rescued by a later one (first block wins, as in Roboflow)", () => {
    expect(extractJson('```json\n{oops}\n```\n```json\n{"a": 1}\n```').ok).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import {
  createClassesIndex,
  pythonFloat,
  pythonLabel,
  scaleConfidence,
} from "../../../src/blocks/formatters/python-compat.js";

describe("pythonFloat (Python's float() on JSON values)", () => {
  it.each([
    [0.7, 0.7],
    ["0.7", 0.7],
    [" 0.7\n", 0.7],
    ["1_000.5", 1000.5],
    [".5", 0.5],
    ["5.", 5],
    ["-1e-3", -0.001],
    ["inf", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    [true, 1],
    [false, 0],
  ])("%j → %d", (input, expected) => {
    expect(pythonFloat(input, "value")).toBe(expected);
  });

  it("reads nan as NaN", () => {
    expect(pythonFloat("NaN", "value")).toBeNaN();
  });

  it.each([["1__0"], ["0x10"], ["seven"], [""], [null], [[1]], [{}]])("rejects %j", (input) => {
    expect(() => pythonFloat(input, "value")).toThrow(TypeError);
  });
});

describe("helpers", () => {
  it("scaleConfidence clamps to [0, 1]", () => {
    expect([scaleConfidence(-1), scaleConfidence("0.5"), scaleConfidence(1.98)]).toEqual([0, 0.5, 1]);
  });

  it("createClassesIndex keeps first positions and last ids, like a Python dict comprehension", () => {
    expect([...createClassesIndex(["a", "b", "a"])]).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });

  it("pythonLabel mirrors str() for scalars", () => {
    expect([pythonLabel("cat"), pythonLabel(true), pythonLabel(null), pythonLabel(3)]).toEqual([
      "cat",
      "True",
      "None",
      "3",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { parseJsonFields, validateExpectedFields } from "../../../src/blocks/formatters/json-parser/parse.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { loadVectors } from "./conformance-vectors.js";

interface JsonParserVector {
  name: string;
  expected_fields: string[];
  raw_json: string | null;
  expected: Record<string, unknown>;
}

const vectors = loadVectors<JsonParserVector>("json_parser.json");

describe("json_parser conformance (json_parser.json)", () => {
  it.each(vectors)("$name", (vector) => {
    if (vector.expected.manifest_validation_error === true) {
      // Roboflow rejects the manifest before the block runs; our equivalent is the validator.
      expect(() => validateExpectedFields(vector.expected_fields)).toThrow(InvalidArgumentError);
      return;
    }
    expect(vector.raw_json).not.toBeNull();
    const result = parseJsonFields(vector.raw_json ?? "", vector.expected_fields);
    const { error_status: errorStatus, ...fields } = vector.expected;
    expect(result.errorStatus).toBe(errorStatus);
    expect(result.fields).toStrictEqual(fields);
  });
});

describe("validateExpectedFields", () => {
  it("names the reserved field and the property", () => {
    expect(() => validateExpectedFields(["a", "error_status"])).toThrow(
      /expected_fields: "error_status" is reserved/,
    );
  });

  it("returns valid fields unchanged", () => {
    expect(validateExpectedFields(["a", "b"])).toEqual(["a", "b"]);
  });
});

describe("parseJsonFields beyond the vectors", () => {
  it("says which fields are missing", () => {
    const result = parseJsonFields('{"a": 1}', ["a", "c"]);
    expect(result.error).toContain('no field "c"');
  });

  it("keeps a field whose value is null as present (Roboflow checks keys, not values)", () => {
    expect(parseJsonFields('{"a": null}', ["a"])).toMatchObject({ errorStatus: false, fields: { a: null } });
  });

  it("does not mistake inherited properties for fields", () => {
    const result = parseJsonFields('{"a": 1}', ["toString", "__proto__"]);
    expect(result.errorStatus).toBe(true);
    expect(result.fields).toStrictEqual({ toString: null, ["__proto__"]: null });
  });

  it("reads a field named __proto__ as data", () => {
    const result = parseJsonFields('{"__proto__": {"x": 1}}', ["__proto__"]);
    expect(result.errorStatus).toBe(false);
    expect(Object.getOwnPropertyDescriptor(result.fields, "__proto__")?.value).toEqual({ x: 1 });
  });

  it("rejects a JSON array when fields are expected, and accepts any JSON when none are (as Roboflow)", () => {
    expect(parseJsonFields("[1]", ["a"])).toMatchObject({ errorStatus: true, fields: { a: null } });
    expect(parseJsonFields('{"a": 1}', [])).toMatchObject({ errorStatus: false, fields: {} });
  });

  it("tolerance: a plain ``` fence (no json tag) with prose around it", () => {
    const result = parseJsonFields('Sure! Here it is:\n```\n{"a": "1", "b": 2}\n```\nAnything else?', [
      "a",
      "b",
    ]);
    expect(result).toMatchObject({ errorStatus: false, fields: { a: "1", b: 2 } });
    expect(result.warnings).toEqual(["ignored text around the JSON"]);
  });

  it("tolerance: trailing commas", () => {
    const result = parseJsonFields('{"a": [1, 2,], "b": "x",}', ["a", "b"]);
    expect(result).toMatchObject({ errorStatus: false, fields: { a: [1, 2], b: "x" } });
    expect(result.warnings).toContain("removed trailing commas");
  });

  it("tolerance: truncated output keeps the fields that were complete and reports the rest missing", () => {
    const result = parseJsonFields('```json\n{"a": "1", "b": "a long answer that never en', ["a", "b"]);
    expect(result).toMatchObject({ errorStatus: true, fields: { a: "1", b: null } });
    expect(result.warnings).toContain("the output was cut off; kept its complete part");
  });
});

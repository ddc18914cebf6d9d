/** The json_parser block: conformance vectors through run(), dynamic outputs, the reserved field. */
import { describe, expect, it } from "vitest";
import { manifestJsonSchema } from "../../../src/blocks/describe.js";
import { parseJsonFields } from "../../../src/blocks/formatters/json-parser/parse.js";
import { jsonParserV1 } from "../../../src/blocks/formatters/json-parser/v1.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import { recordingContext } from "../block-test-support.js";
import { loadVectors } from "./conformance-vectors.js";

interface JsonParserVector {
  name: string;
  raw_json: string;
  expected_fields: string[];
  expected: Record<string, unknown> & { error_status?: boolean; manifest_validation_error?: true };
}

const allVectors = loadVectors<JsonParserVector>("json_parser.json");
// Vectors of a manifest Roboflow refuses never run; the others are run() cases.
const manifestVectors = allVectors.filter((vector) => vector.expected.manifest_validation_error);
const vectors = allVectors.filter((vector) => !vector.expected.manifest_validation_error);

describe("json_parser@v1 block", () => {
  it("gives every vector of one batch (valid and invalid mixed) its expected outputs, in order", async () => {
    expect(vectors.some((vector) => vector.expected.error_status)).toBe(true);
    const results = await jsonParserV1.run(
      vectors.map(({ raw_json, expected_fields }) => ({ raw_json, expected_fields })),
      recordingContext(),
    );
    vectors.forEach((vector, index) => {
      expect(results[index], vector.name).toEqual(vector.expected);
      const parsed = parseJsonFields(vector.raw_json, vector.expected_fields);
      expect(results[index]).toEqual({ ...parsed.fields, error_status: parsed.errorStatus });
    });
  });

  it("outputs error_status beside the fields, null for a missing field, and says why", async () => {
    const context = recordingContext();
    const [result] = await jsonParserV1.run(
      [{ raw_json: 'Sure! ```json\n{"city": "Oslo"}\n```', expected_fields: ["city", "country"] }],
      context,
    );
    expect(result).toEqual({ city: "Oslo", country: null, error_status: true });
    expect(context.warnings).toEqual([
      expect.stringMatching(/^roboflow_core\/json_parser@v1, element 0: error_status is true: .*"country"/),
    ]);
  });

  it("fails only the element that throws", async () => {
    const results = await jsonParserV1.run(
      [
        { raw_json: '{"a": 1}', expected_fields: ["a"] },
        // Values that skipped the manifest: the reserved name is refused for this element alone.
        { raw_json: '{"a": 1}', expected_fields: ["error_status"] },
      ],
      recordingContext(),
    );
    expect(results[0]).toEqual({ a: 1, error_status: false });
    expect(results[1]).toBeInstanceOf(Error);
  });

  it("takes raw_json as a literal or from a model's output, expected_fields as a literal only", () => {
    const { properties } = jsonParserV1.manifest;
    expect(properties.raw_json?.selectorKinds).toEqual(["language_model_output"]);
    expect(properties.raw_json?.batch).toBeUndefined();
    expect(properties.expected_fields?.selectorKinds).toBeUndefined();
    const { values, problems } = checkProperties(jsonParserV1.manifest, {
      raw_json: '{"a": 1}',
      expected_fields: ["a"],
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({ raw_json: '{"a": 1}', expected_fields: ["a"] });
  });

  it.each(manifestVectors)("refuses the manifest of vector $name", (vector) => {
    const { problems } = checkProperties(
      jsonParserV1.manifest,
      { expected_fields: vector.expected_fields },
      new Set(["raw_json"]),
    );
    expect(problems.map((problem) => problem.property)).toEqual(["expected_fields"]);
  });

  it("refuses the reserved field name when the step is checked", () => {
    const { problems } = checkProperties(
      jsonParserV1.manifest,
      { expected_fields: ["answer", "error_status"] },
      new Set(["raw_json"]),
    );
    expect(problems).toEqual([
      {
        property: "expected_fields",
        message: expect.stringMatching(/^"error_status" is reserved for the block's own output/),
      },
    ]);
  });

  it("requires expected_fields", () => {
    expect(checkProperties(jsonParserV1.manifest, {}, new Set(["raw_json"])).problems).toEqual([
      { property: "expected_fields", message: "is required" },
    ]);
  });

  it("declares one output per expected field through dynamicOutputs, and * in its static description", () => {
    const { manifest } = jsonParserV1;
    expect(manifest.outputs.map((output) => output.name)).toEqual(["error_status", "*"]);
    const outputs = manifest.dynamicOutputs?.({ raw_json: "{}", expected_fields: ["city", "population"] });
    expect(outputs?.map((output) => [output.name, output.kinds])).toEqual([
      ["error_status", ["boolean"]],
      ["city", ["*"]],
      ["population", ["*"]],
    ]);
    expect(manifestJsonSchema(manifest)["x-outputs"]).toEqual([
      { name: "error_status", kinds: ["boolean"] },
      { name: "*", kinds: ["*"] },
    ]);
  });
});

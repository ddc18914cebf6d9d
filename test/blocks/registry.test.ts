/** The registry holds every block of issue 4, and each manifest renders as JSON Schema for `describe`. */
import { describe, expect, it } from "vitest";
import { manifestJsonSchema } from "../../src/blocks/describe.js";
import { BLOCK_REGISTRY, findBlock } from "../../src/blocks/registry.js";

const TYPES = [
  "roboflow_core/qwen_vlm@v1",
  "roboflow_core/vlm_as_classifier@v1",
  "roboflow_core/vlm_as_classifier@v2",
  "roboflow_core/vlm_as_detector@v1",
  "roboflow_core/vlm_as_detector@v2",
  "roboflow_core/json_parser@v1",
  "roboflow_core/dynamic_crop@v1",
  "roboflow_core/bounding_box_visualization@v1",
  "roboflow_core/label_visualization@v1",
];

describe("block registry", () => {
  it("holds every block by its type identifier", () => {
    expect([...BLOCK_REGISTRY.keys()]).toEqual(TYPES);
    for (const type of TYPES) expect(findBlock(type)?.manifest.type).toBe(type);
  });

  it.each(TYPES)("renders %s as JSON Schema", (type) => {
    const manifest = findBlock(type)?.manifest;
    if (!manifest) throw new Error(`${type} is not registered`);
    const schema = manifestJsonSchema(manifest);
    expect(schema.$id).toBe(type);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(["type", "name", ...Object.keys(manifest.properties)]),
    );
    for (const [name, spec] of Object.entries(manifest.properties)) {
      expect(properties[name]?.description, `${type} ${name}`).toBe(spec.description);
      // Per-element inputs are bound, never written: their schema is the selector alone.
      if (spec.batch) expect(properties[name]?.pattern, `${type} ${name}`).toBeDefined();
    }
    expect(schema["x-outputs"]).toEqual(
      manifest.outputs.map((output) => ({ name: output.name, kinds: [...output.kinds] })),
    );
  });

  it("shows defaults and enums where a property has them", () => {
    const label = manifestJsonSchema(findBlock("roboflow_core/label_visualization@v1")?.manifest as never);
    const text = (
      label.properties as Record<string, { anyOf?: Array<Record<string, unknown>>; default?: unknown }>
    ).text;
    expect(text?.default).toBe("Class");
    expect(text?.anyOf?.[0]?.enum).toContain("Class and Confidence");
    const detector = manifestJsonSchema(findBlock("roboflow_core/vlm_as_detector@v2")?.manifest as never);
    expect(detector.required).toEqual(["type", "name", "image", "vlm_output", "model_type", "task_type"]);
  });
});

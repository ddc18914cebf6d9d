/**
 * A block manifest as JSON Schema (draft 2020-12) for one step of that block: what `qwen-vlm describe` prints
 * and what editors can validate definitions against. Selector-capable properties accept either a literal
 * value or a `$inputs.x` / `$steps.s.o` selector; `x-kinds` says which kinds such a selector may carry.
 */
import { z } from "zod";
import type { BlockManifest } from "./block.js";

/** The pattern every selector matches. */
export const SELECTOR_PATTERN = "^\\$(inputs|steps)\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_*-]+)?$";

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of one step of this block, with its outputs under `x-outputs`. */
export function manifestJsonSchema(manifest: BlockManifest): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    type: { const: manifest.type, description: "The block type identifier." },
    name: { type: "string", minLength: 1, description: "A unique identifier for this step." },
  };
  const required = ["type", "name"];
  const aliasRequirements: JsonSchema[] = [];
  for (const [name, spec] of Object.entries(manifest.properties)) {
    const literal = literalSchema(spec.schema);
    const selector = spec.selectorKinds
      ? { type: "string", pattern: SELECTOR_PATTERN, "x-kinds": [...spec.selectorKinds] }
      : undefined;
    // Images are never literal in a definition: they arrive through a selector.
    const onlySelector = selector && spec.batch;
    const schema: JsonSchema = onlySelector
      ? { ...selector }
      : selector
        ? { anyOf: [literal, selector] }
        : literal;
    schema.description = spec.description;
    if ("default" in literal) schema.default = literal.default;
    properties[name] = schema;
    for (const alias of spec.aliases ?? [])
      properties[alias] = { ...schema, description: `Alias of ${name}.` };
    if (!spec.schema.safeParse(undefined).success) {
      if (spec.aliases?.length) {
        aliasRequirements.push({ anyOf: [name, ...spec.aliases].map((key) => ({ required: [key] })) });
      } else {
        required.push(name);
      }
    }
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: manifest.type,
    title: manifest.title,
    description: manifest.description,
    type: "object",
    properties,
    required,
    ...(aliasRequirements.length ? { allOf: aliasRequirements } : {}),
    additionalProperties: false,
    "x-outputs": manifest.outputs.map((output) => ({ name: output.name, kinds: [...output.kinds] })),
    ...(manifest.outputDimensionalityOffset
      ? { "x-output-dimensionality-offset": manifest.outputDimensionalityOffset }
      : {}),
  };
}

function literalSchema(schema: z.ZodType): JsonSchema {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
      io: "input",
      unrepresentable: "any",
    }) as JsonSchema;
    return rest;
  } catch {
    return {};
  }
}

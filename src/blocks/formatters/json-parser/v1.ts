/**
 * `roboflow_core/json_parser@v1`: reads a JSON answer (bare, in a ```json block, or wrapped in prose) and
 * exposes each of `expected_fields` as an output of its own, plus `error_status` (true when the JSON cannot be
 * read or a field is missing). First version.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../../errors.js";
import type { Block, OutputSpec, ValidationProblem } from "../../block.js";
import { runElements } from "../../run-elements.js";
import { parseJsonFields, RESERVED_FIELD_NAME, validateExpectedFields } from "./parse.js";

const TYPE = "roboflow_core/json_parser@v1";

/** The property values a JSON parser step runs with. */
export interface JsonParserParams {
  raw_json: string;
  expected_fields: string[];
}

const ERROR_STATUS_OUTPUT: OutputSpec = {
  name: RESERVED_FIELD_NAME,
  kinds: ["boolean"],
  description: "True when the JSON could not be read or an expected field is missing.",
};

/** The JSON parser block, version 1. */
export const jsonParserV1: Block<JsonParserParams> = {
  manifest: {
    type: TYPE,
    title: "JSON Parser",
    description:
      "Reads a JSON object from a model's answer and outputs the value of each expected field (null when missing), " +
      "so later steps can bind $steps.<step>.<field>.",
    properties: {
      raw_json: {
        schema: z.string(),
        selectorKinds: ["language_model_output"],
        description:
          'The JSON text: bare, in a ```json block, or with prose around it (e.g. $steps.qwen.output, or a literal \'{"key": "value"}\').',
      },
      expected_fields: {
        schema: z.array(z.string()),
        description: `The fields to output, each under its own name. "${RESERVED_FIELD_NAME}" is reserved for the block's own output.`,
      },
    },
    // As Roboflow describes it: error_status, and "*" for the fields, whose names each step chooses.
    outputs: [
      ERROR_STATUS_OUTPUT,
      { name: "*", kinds: ["*"], description: "One output per expected field, named after it." },
    ],
    dynamicOutputs: (values) => [
      ERROR_STATUS_OUTPUT,
      ...fieldNames(values.expected_fields).map((field) => ({
        name: field,
        kinds: ["*"] as const,
        description: `The value of "${field}" in the JSON, or null.`,
      })),
    ],
    validate: validateJsonParser,
  },
  run: (batch, context) =>
    runElements(batch, context, (params, index) => {
      const result = parseJsonFields(params.raw_json, validateExpectedFields(params.expected_fields));
      for (const note of result.warnings) context.warn?.(`${TYPE}, element ${index}: ${note}`);
      if (result.errorStatus) {
        context.warn?.(
          `${TYPE}, element ${index}: error_status is true: ${result.error ?? "unknown reason"}`,
        );
      }
      return { ...result.fields, [RESERVED_FIELD_NAME]: result.errorStatus };
    }),
};

/** The reserved field name (Roboflow rejects it when the manifest is parsed). */
function validateJsonParser(values: Readonly<Record<string, unknown>>): ValidationProblem[] {
  try {
    validateExpectedFields(fieldNames(values.expected_fields));
    return [];
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    // The error's message starts with the property name, which a problem carries separately.
    return [{ property: error.property, message: error.message.slice(`${error.property}: `.length) }];
  }
}

function fieldNames(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * The parsing logic of `roboflow_core/json_parser@v1`: read a model's JSON answer and pick out the fields
 * a workflow declared in `expected_fields`. Behaviour follows Roboflow's block (vectors in
 * conformance/json_parser.json); the JSON extraction adds the tolerances described in json-extraction.ts.
 */
import { InvalidArgumentError } from "../../../errors.js";
import { extractJson } from "../json-extraction.js";
import { describeJson, isJsonObject } from "../python-compat.js";

/** The output name the block always has; a field may not take it. */
export const RESERVED_FIELD_NAME = "error_status";

/** What {@link parseJsonFields} found. */
export interface JsonFieldsResult {
  /** True when the JSON could not be read or at least one expected field is missing (Roboflow's rule). */
  readonly errorStatus: boolean;
  /** One entry per expected field: its value, or `null` when it is missing or nothing could be parsed. */
  readonly fields: Record<string, unknown>;
  /** Why `errorStatus` is true. */
  readonly error?: string;
  /** Tolerances that were needed to read the JSON (prose around it, truncation, …). */
  readonly warnings: readonly string[];
}

/** Parses `rawJson` and returns the value of every field in `expectedFields` (null when missing). */
export function parseJsonFields(rawJson: string, expectedFields: readonly string[]): JsonFieldsResult {
  const extraction = extractJson(rawJson);
  if (!extraction.ok) {
    return { errorStatus: true, fields: nullFields(expectedFields), error: extraction.error, warnings: [] };
  }
  const value = extraction.value;
  const warnings = extraction.notes;
  if (!isJsonObject(value)) {
    // Roboflow reads fields with dict lookups, which fail on anything but an object — unless there are no
    // fields to read, in which case it reports success.
    if (expectedFields.length === 0) return { errorStatus: false, fields: {}, warnings };
    return {
      errorStatus: true,
      fields: nullFields(expectedFields),
      error: `expected a JSON object with fields ${listNames(expectedFields)}, got ${describeJson(value)}`,
      warnings,
    };
  }
  const missing = expectedFields.filter((field) => !Object.hasOwn(value, field));
  // Object.fromEntries defines own properties, so a field named "__proto__" is stored like any other.
  const fields = Object.fromEntries(
    expectedFields.map((field) => [field, Object.hasOwn(value, field) ? value[field] : null]),
  );
  if (missing.length === 0) return { errorStatus: false, fields, warnings };
  return {
    errorStatus: true,
    fields,
    error: `the JSON has no field ${listNames(missing)} (it has ${listNames(Object.keys(value)) || "no fields"})`,
    warnings,
  };
}

/**
 * Checks a step's `expected_fields` (Roboflow rejects them when the manifest is parsed): `error_status` is
 * reserved for the block's own output. Returns the fields unchanged or throws an `InvalidArgumentError`.
 */
export function validateExpectedFields(expectedFields: readonly string[]): readonly string[] {
  if (expectedFields.includes(RESERVED_FIELD_NAME)) {
    throw new InvalidArgumentError(
      "expected_fields",
      `"${RESERVED_FIELD_NAME}" is reserved for the block's own output that says whether parsing failed, so it cannot be an expected field. Rename that field in the prompt and here.`,
    );
  }
  return expectedFields;
}

function nullFields(expectedFields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(expectedFields.map((field) => [field, null]));
}

function listNames(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(", ");
}

/**
 * The first compile stage: JSON text or a value → a definition whose structure matches the schema, or one
 * problem per structural mistake, each at its JSON path and naming its step when it is inside one.
 */
import type { z } from "zod";
import { errorMessage, WorkflowDefinitionError, withChoices } from "../errors.js";
import { jsonPath } from "./compile-error.js";
import { type WorkflowDefinition, workflowDefinitionSchema } from "./definition.js";

/** A checked definition, or every structural problem. */
export type DefinitionParse =
  | { readonly ok: true; readonly definition: WorkflowDefinition }
  | { readonly ok: false; readonly problems: WorkflowDefinitionError[] };

/** Parses a definition given as JSON text or as an already-parsed value. */
export function parseDefinition(source: unknown): DefinitionParse {
  let raw = source;
  if (typeof source === "string") {
    try {
      raw = JSON.parse(source);
    } catch (error) {
      return fail("$", `is not valid JSON (${errorMessage(error)}); a workflow definition is a JSON object`);
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail(
      "$",
      `must be a JSON object with "version", "inputs", "steps" and "outputs", got ${describeValue(raw)}`,
    );
  }
  const result = workflowDefinitionSchema.safeParse(raw);
  if (result.success) return { ok: true, definition: result.data };
  const problems = result.error.issues.map(
    (issue) =>
      new WorkflowDefinitionError(
        jsonPath(issue.path),
        describe(issue, valueAt(raw, issue.path)),
        stepNameAt(raw, issue.path),
      ),
  );
  return { ok: false, problems };
}

function fail(path: string, message: string): DefinitionParse {
  return { ok: false, problems: [new WorkflowDefinitionError(path, message)] };
}

/** Our wording for a structural issue: what was wrong, what was given, what is allowed. */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  // zod's own messages start with "Invalid"; a schema's custom message is already ours.
  const custom = !/^Invalid/.test(issue.message);
  const given = describeValue(value);
  switch (issue.code) {
    case "invalid_type":
      return value === undefined
        ? `is required (${article(issue.expected)})`
        : `must be ${article(issue.expected)}, got ${given}`;
    case "invalid_union": {
      const options = "options" in issue ? (issue as { options?: unknown[] }).options : undefined;
      if (options) return withChoices(`${given} is not a known type`, options.map(String));
      return custom ? `${issue.message} (got ${given})` : `is invalid (got ${given})`;
    }
    case "invalid_value":
      if (custom) return `${issue.message} (got ${given})`;
      return withChoices(`${given} is not one of the allowed values`, issue.values.map(String));
    case "too_small":
      if (custom) return issue.message;
      return issue.origin === "string" ? "must not be empty" : `is too small (got ${given})`;
    default:
      return custom ? issue.message : `${issue.message} (got ${given})`;
  }
}

function article(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "an object";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** The name of the step an issue is inside (`steps[i]`), when that step has a usable name. */
function stepNameAt(raw: object, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== "steps" || typeof path[1] !== "number") return undefined;
  const steps = (raw as { steps?: unknown }).steps;
  const step = Array.isArray(steps) ? (steps[path[1]] as { name?: unknown } | undefined) : undefined;
  return typeof step?.name === "string" && step.name !== "" ? step.name : undefined;
}

/** A short description of a value for messages: the value itself when short, else its type. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text !== undefined && text.length <= 60) return text;
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value).slice(0, 57)}…`;
}

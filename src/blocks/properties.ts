/**
 * Checking a step's property values against its block manifest: aliases, unknown names, each value against its
 * schema (defaults filled in), then the block's own cross-property validator. The engine's compiler, its run-time
 * check of selector values, and the library's direct calls all go through here, so they say the same things.
 */
import type { z } from "zod";
import type { BlockManifest, ValidationProblem } from "./block.js";

/** Values after their schemas, and every problem found (empty when valid). */
export interface PropertyCheck {
  readonly values: Record<string, unknown>;
  readonly problems: ValidationProblem[];
}

/** Names a step may use besides its properties. */
const STEP_KEYS = new Set(["type", "name"]);

/**
 * Checks `raw` (one step's properties, without `type`/`name`) against the manifest. Properties named in
 * `unresolved` are bound to selectors whose values are not known yet: their schemas and the checks that need
 * them wait for run time.
 */
export function checkProperties(
  manifest: BlockManifest,
  raw: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string> = new Set(),
): PropertyCheck {
  const problems: ValidationProblem[] = [];
  const canonical = canonicalizeNames(manifest, raw, problems);
  const values: Record<string, unknown> = {};
  for (const [property, spec] of Object.entries(manifest.properties)) {
    if (unresolved.has(property)) continue;
    const result = spec.schema.safeParse(canonical[property]);
    if (result.success) {
      if (result.data !== undefined) values[property] = result.data;
    } else {
      problems.push(describeIssue(property, canonical[property], result.error.issues[0]));
    }
  }
  if (problems.length === 0 && manifest.validate) problems.push(...manifest.validate(values, unresolved));
  return { values, problems };
}

/** Maps aliases to property names and reports names the block does not have. */
function canonicalizeNames(
  manifest: BlockManifest,
  raw: Readonly<Record<string, unknown>>,
  problems: ValidationProblem[],
): Record<string, unknown> {
  const aliasOf = new Map<string, string>();
  for (const [property, spec] of Object.entries(manifest.properties)) {
    for (const alias of spec.aliases ?? []) aliasOf.set(alias, property);
  }
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (STEP_KEYS.has(name)) continue;
    const property = aliasOf.get(name) ?? name;
    if (!Object.hasOwn(manifest.properties, property)) {
      problems.push({
        property: name,
        message: `is not a property of ${manifest.type}`,
        validValues: Object.keys(manifest.properties),
      });
      continue;
    }
    if (Object.hasOwn(result, property)) {
      problems.push({ property: name, message: `is given twice (as "${property}" and its alias "${name}")` });
      continue;
    }
    result[property] = value;
  }
  return result;
}

/** Turns zod's first issue into our wording: what was wrong, what was given, what is allowed. */
function describeIssue(
  property: string,
  value: unknown,
  issue: z.core.$ZodIssue | undefined,
): ValidationProblem {
  const given = value === undefined ? "nothing" : JSON.stringify(value);
  if (!issue) return { property, message: `is invalid (got ${given})` };
  switch (issue.code) {
    case "invalid_value":
      return {
        property,
        message: `${given} is not one of the allowed values`,
        validValues: issue.values.map((option) => String(option)),
      };
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const relation =
        issue.code === "too_small" ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<";
      const what =
        issue.origin === "string" ? "length must be" : issue.origin === "array" ? "must have" : "must be";
      const unit = issue.origin === "array" ? " items" : "";
      return { property, message: `${what} ${relation} ${String(bound)}${unit}, got ${given}` };
    }
    case "invalid_type":
      return value === undefined
        ? { property, message: "is required" }
        : { property, message: `must be ${article(issue.expected)}, got ${given}` };
    default: {
      const where = issue.path.length ? ` at ${issue.path.join(".")}` : "";
      return { property, message: `is invalid${where}: ${issue.message} (got ${given})` };
    }
  }
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  if (expected === "array") return "a list";
  if (expected === "record" || expected === "object") return "an object";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

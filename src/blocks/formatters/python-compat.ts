/**
 * Small pieces of Python semantics the Roboflow formatter blocks rely on and their test vectors encode:
 * `float()` on model-provided values, `round()` / `np.round` (half to even), and the class-name index
 * built as a Python dict. Kept in one place so each parser states which of them it follows.
 */
import { roundHalfEven } from "../../vision/smart-resize.js";

export { roundHalfEven };

// Python's float() grammar for strings (PEP 515 underscores between digits; inf/infinity/nan in any case).
const DIGITS = "\\d(?:_?\\d)*";
const PYTHON_FLOAT_PATTERN = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`,
  "i",
);

/**
 * Converts a JSON value the way Python's `float()` does: numbers as they are, booleans to 1/0, numeric
 * strings (surrounding whitespace allowed, e.g. `" 0.7 "`) parsed; anything else throws a `TypeError`
 * naming `what`.
 */
export function pythonFloat(value: unknown, what: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const text = value.trim();
    if (PYTHON_FLOAT_PATTERN.test(text)) {
      const lower = text.toLowerCase().replace(/^[+]/, "");
      if (lower.endsWith("nan")) return Number.NaN;
      if (lower.endsWith("inf") || lower.endsWith("infinity")) {
        return lower.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      }
      return Number(text.replaceAll("_", ""));
    }
    throw new TypeError(`${what} ${JSON.stringify(value)} is not a number`);
  }
  throw new TypeError(`${what} must be a number or a numeric string, got ${describeJson(value)}`);
}

/**
 * A number as Python arithmetic sees it (`x * width`): numbers, and booleans as 1/0; strings and
 * everything else throw, as they do in Roboflow's parsers (there a string would be repeated, not scaled).
 */
export function pythonNumber(value: unknown, what: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new TypeError(`${what} must be a number, got ${describeJson(value)}`);
}

/**
 * Roboflow's `scale_confidence`: `float()` then clamp to [0, 1]. We reject NaN (Python would pass it
 * through, and it serializes as `null`), so a `"nan"` confidence is an error with a reason instead.
 */
export function scaleConfidence(value: unknown, what = "confidence"): number {
  const confidence = pythonFloat(value, what);
  if (Number.isNaN(confidence)) throw new TypeError(`${what} is NaN`);
  return Math.min(Math.max(confidence, 0), 1);
}

/**
 * Class name → class id, built like Roboflow's `{name: index for index, name in enumerate(classes)}`:
 * a name listed twice keeps its first position but the id of its last occurrence.
 */
export function createClassesIndex(classes: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  classes.forEach((name, position) => {
    index.set(name, position);
  });
  return index;
}

/**
 * Python's `str()` for a JSON value used as a label: strings unchanged, `True`/`False`, `None`, numbers in
 * decimal (Python keeps `1.0` as "1.0"; JavaScript's JSON parsing has already made it 1), JSON otherwise.
 */
export function pythonLabel(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (value === null || value === undefined) return "None";
  return JSON.stringify(value);
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own-property lookup, so a key like "constructor" or "__proto__" in a model's JSON is just a key. */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A short description of a JSON value for error messages. */
export function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

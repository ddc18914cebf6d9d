/**
 * A character scanner that finds where a JSON object or array starting at a given position ends, without
 * parsing it: it tracks strings, escapes and bracket nesting. It also remembers where the value could be
 * cut and closed if the text stops early, which is how truncated model output is recovered.
 */

/** Where a value that reached the end of the text could be cut, and the brackets that close it there. */
export interface CutPoint {
  readonly end: number;
  readonly closers: string;
}

/** What {@link scanJsonValue} found at a position. */
export type ScanResult =
  | { readonly kind: "complete"; readonly end: number }
  | { readonly kind: "truncated"; readonly cutPoints: readonly CutPoint[] }
  | { readonly kind: "invalid" };

const CLOSER: Readonly<Record<string, string>> = { "{": "}", "[": "]" };

/**
 * Scans the object or array that opens at `text[start]` (which must be `{` or `[`). `complete` gives the
 * index just past its closing bracket; `truncated` means the text ended inside it; `invalid` means a
 * bracket closed the wrong thing. Only bracket structure is checked: `JSON.parse` judges the rest.
 */
export function scanJsonValue(text: string, start: number): ScanResult {
  const stack: string[] = [];
  const cutPoints: CutPoint[] = [];
  let inString = false;
  let escaped = false;
  let lastSignificant = "";
  for (let index = start; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      lastSignificant = char;
      continue;
    }
    if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      stack.push(CLOSER[char] ?? "");
    } else if (char === "}" || char === "]") {
      if (stack.pop() !== char) return { kind: "invalid" };
      if (stack.length === 0) return { kind: "complete", end: index + 1 };
    } else if (char === "," && keepsElementsWhole(stack)) {
      // Everything before a comma is a whole element or member (if the JSON is well formed at all).
      cutPoints.push({ end: index, closers: closersOf(stack) });
    }
    if (!/\s/.test(char)) lastSignificant = char;
  }
  // The text ended inside the value. Its last element is whole only if it ended on a closed string or
  // bracket; a trailing number might itself be cut short ("0.8" of "0.85"), so it is not trusted.
  const endsWhole = lastSignificant === '"' || lastSignificant === "}" || lastSignificant === "]";
  if (!inString && endsWhole && keepsElementsWhole(stack)) {
    cutPoints.push({ end: text.length, closers: closersOf(stack) });
  }
  return { kind: "truncated", cutPoints };
}

// Cutting inside an object that is an element of a list would keep a half object as an element (a
// detection without its label, a class without its confidence): only cut where every open object is
// outside all open lists. Top-level objects may lose members; list elements are kept whole or dropped.
function keepsElementsWhole(stack: readonly string[]): boolean {
  const firstList = stack.indexOf("]");
  return firstList === -1 || !stack.slice(firstList).includes("}");
}

function closersOf(stack: readonly string[]): string {
  return [...stack].reverse().join("");
}

/** Parses JSON, returning `undefined` instead of throwing. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const CLOSING_AHEAD = /\s*[}\]]/y;

/**
 * Removes commas that directly precede a closing bracket (`[1, 2,]`), outside strings. Small models emit
 * them; JSON does not allow them.
 */
export function removeTrailingCommas(text: string): string {
  let result = "";
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === ",") {
      CLOSING_AHEAD.lastIndex = index + 1;
      if (CLOSING_AHEAD.test(text)) continue;
    }
    result += char;
  }
  return result;
}

/**
 * Every top-level `{...}` object in `text` that parses on its own, scanning left to right the way
 * Python's `JSONDecoder.raw_decode` is used by Roboflow's Muse parser: after a decoded object, continue
 * behind it; after a failure, continue one character later.
 */
export function findLooseObjects(text: string): unknown[] {
  const found: unknown[] = [];
  let index = text.indexOf("{");
  while (index !== -1) {
    const scan = scanJsonValue(text, index);
    const parsed = scan.kind === "complete" ? tryParseJson(text.slice(index, scan.end)) : undefined;
    if (scan.kind === "complete" && parsed) {
      found.push(parsed.value);
      index = text.indexOf("{", scan.end);
    } else {
      index = text.indexOf("{", index + 1);
    }
  }
  return found;
}

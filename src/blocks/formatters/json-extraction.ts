/**
 * Getting the JSON out of a model's text, shared by the parser blocks.
 *
 * First exactly as Roboflow's formatter blocks do (`string2json`): if the text contains a ```json fenced
 * block (any letter case, newline optional), parse the first such block; otherwise parse the whole text.
 * When that fails, we go further than Roboflow, because models really emit these (each is shown by a test
 * in test/blocks/formatters/json-extraction.test.ts):
 * - prose or other fences around the JSON ("Here you go: ```\n[...]\n``` Hope it helps") — the first
 *   object or array in the text is taken (arrays of plain numbers like "[0, 1000]" in prose are skipped);
 * - trailing commas before a closing bracket;
 * - output cut off by the token limit — the value is closed after its last complete element.
 * What stays an error, as in Roboflow's vectors: no JSON at all, and two JSON documents back to back
 * (ambiguous — which one did the model mean?). One difference the other way: Python's `json.loads`
 * accepts the non-JSON literals NaN and Infinity, `JSON.parse` does not (no vector covers it).
 */
import {
  type CutPoint,
  removeTrailingCommas,
  type ScanResult,
  scanJsonValue,
  tryParseJson,
} from "./json-scan.js";
import { isJsonObject } from "./python-compat.js";

/** Roboflow's `JSON_MARKDOWN_BLOCK_PATTERN`: the first ```json ... ``` block, case-insensitive. */
const JSON_FENCE_PATTERN = /```json([\s\S]*?)```/i;

// Bounds for pathological inputs: how many `{`/`[` positions to try, and how many cut points to re-parse.
const MAX_CANDIDATES = 200;
const MAX_REPAIR_ATTEMPTS = 64;

/** The JSON found in a model's text; `notes` name the tolerances that were needed (empty when none). */
export type JsonExtraction =
  | { readonly ok: true; readonly value: unknown; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Roboflow's rule alone: the first ```json block, or else the whole text, through a strict JSON parse. */
export function parseLikeRoboflow(text: string): { value: unknown } | undefined {
  const fence = JSON_FENCE_PATTERN.exec(text);
  return tryParseJson(fence ? (fence[1] ?? "") : text);
}

/** Extracts one JSON value from model output: Roboflow's rule first, then our documented tolerances. */
export function extractJson(text: string): JsonExtraction {
  const fence = JSON_FENCE_PATTERN.exec(text);
  const content = fence ? (fence[1] ?? "") : text;
  try {
    return { ok: true, value: JSON.parse(content), notes: [] };
  } catch (error) {
    const strictError = error instanceof Error ? error.message : String(error);
    const where = fence ? "the first ```json block" : "the text";
    const recovered = extractTolerantly(content);
    if (recovered.ok) return recovered;
    return { ok: false, error: `${where} is not valid JSON (${strictError}); ${recovered.error}` };
  }
}

function extractTolerantly(content: string): JsonExtraction {
  let candidates = 0;
  for (let start = nextOpening(content, 0); start !== -1; start = nextOpening(content, start + 1)) {
    candidates += 1;
    if (candidates > MAX_CANDIDATES) break;
    const scan = scanJsonValue(content, start);
    // Everything after a value that reaches the end of the text is inside it: its nested values are
    // fragments, not candidates, so the search ends here either way.
    if (scan.kind === "truncated") {
      return (
        repairTruncated(content, start, scan) ?? {
          ok: false,
          error: "the JSON in it is cut off before any complete element",
        }
      );
    }
    if (scan.kind !== "complete") continue;
    const parsed = parseWithFixes(content.slice(start, scan.end));
    if (!parsed || !isUsefulJson(parsed.value)) continue;
    const rest = content.slice(scan.end).trimStart();
    if (rest.startsWith("{") || rest.startsWith("[")) {
      return {
        ok: false,
        error: "found several JSON documents back to back where one was expected",
      };
    }
    const notes = [...parsed.notes];
    if (content.slice(0, start).trim() !== "" || rest !== "") notes.push("ignored text around the JSON");
    return { ok: true, value: parsed.value, notes };
  }
  return { ok: false, error: "no JSON object or array found in it" };
}

function repairTruncated(
  content: string,
  start: number,
  scan: Extract<ScanResult, { kind: "truncated" }>,
): JsonExtraction | undefined {
  const cutPoints: readonly CutPoint[] = scan.cutPoints.slice(-MAX_REPAIR_ATTEMPTS).reverse();
  for (const cut of cutPoints) {
    const parsed = parseWithFixes(content.slice(start, cut.end) + cut.closers);
    if (parsed && isUsefulJson(parsed.value)) {
      return {
        ok: true,
        value: parsed.value,
        notes: [...parsed.notes, "the output was cut off; kept its complete part"],
      };
    }
  }
  return undefined;
}

function parseWithFixes(text: string): { value: unknown; notes: string[] } | undefined {
  const parsed = tryParseJson(text);
  if (parsed) return { value: parsed.value, notes: [] };
  const withoutCommas = tryParseJson(removeTrailingCommas(text));
  return withoutCommas ? { value: withoutCommas.value, notes: ["removed trailing commas"] } : undefined;
}

// An object, or an array that is empty or holds objects: what every parser block expects. Filters out
// bracketed numbers in prose such as "coordinates in [0, 1000]".
function isUsefulJson(value: unknown): boolean {
  if (isJsonObject(value)) return true;
  return Array.isArray(value) && (value.length === 0 || value.some(isJsonObject));
}

function nextOpening(text: string, from: number): number {
  const brace = text.indexOf("{", from);
  const bracket = text.indexOf("[", from);
  if (brace === -1) return bracket;
  if (bracket === -1) return brace;
  return Math.min(brace, bracket);
}

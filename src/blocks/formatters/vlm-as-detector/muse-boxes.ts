/**
 * Meta Muse's convention in Roboflow's vlm_as_detector@v2 (`muse_detection_parsing.py`): a JSON list of
 * `{"label": ..., "x_min", "y_min", "x_max", "y_max"}` with named fields on a 0-1000 grid, clamped. The list
 * may be wrapped in `{"detections": [...]}` or be a single bare entry; Muse also emits `{...}, {...}`
 * without the brackets, which parse.ts recovers with {@link findMuseLooseEntries}. Entries without four
 * finite numbers are skipped; a missing or empty label becomes "unknown"; confidence is always 1.0.
 */
import { findLooseObjects } from "../json-scan.js";
import { isJsonObject, ownValue, pythonLabel } from "../python-compat.js";
import type { ImageSize, ParsedBox, Xyxy } from "./parsed-box.js";
import { clamp, mapFour } from "./parsed-box.js";

const MUSE_BOX_SCALE = 1000;
const MUSE_BOX_FIELDS = ["x_min", "y_min", "x_max", "y_max"] as const;

function hasBoxFields(value: unknown): value is Record<string, unknown> {
  return isJsonObject(value) && MUSE_BOX_FIELDS.every((field) => Object.hasOwn(value, field));
}

/** Objects with all four box fields found anywhere in text that is not one JSON document. */
export function findMuseLooseEntries(text: string): Record<string, unknown>[] {
  return findLooseObjects(text).filter(hasBoxFields);
}

/** The four named fields of a Muse entry as finite numbers, or null when any is missing or not one. */
export function museDetectionBox(detection: Record<string, unknown>): Xyxy | null {
  const [xMin, yMin, xMax, yMax] = mapFour(MUSE_BOX_FIELDS, (field) => ownValue(detection, field));
  if (isFiniteNumber(xMin) && isFiniteNumber(yMin) && isFiniteNumber(xMax) && isFiniteNumber(yMax)) {
    return [xMin, yMin, xMax, yMax];
  }
  return null;
}

/** A 0-1000 Muse box in pixels of the image: clamped, then scaled (unrounded). */
export function museBoxToPixelXyxy(box: Xyxy, image: ImageSize): Xyxy {
  const [xMin, yMin, xMax, yMax] = mapFour(box, (value) => clamp(value, 0, MUSE_BOX_SCALE));
  const scaleX = image.width / MUSE_BOX_SCALE;
  const scaleY = image.height / MUSE_BOX_SCALE;
  return [xMin * scaleX, yMin * scaleY, xMax * scaleX, yMax * scaleY];
}

function museEntries(answer: unknown): Record<string, unknown>[] {
  if (Array.isArray(answer)) return answer.filter(isJsonObject);
  if (isJsonObject(answer)) {
    const wrapped = ownValue(answer, "detections");
    if (Array.isArray(wrapped)) return wrapped.filter(isJsonObject);
    if (hasBoxFields(answer)) return [answer];
  }
  throw new TypeError('expected a JSON list of {"label", "x_min", "y_min", "x_max", "y_max"} detections');
}

/** Reads a `muse` answer, skipping entries without a well-formed box. */
export function readMuseBoxes(answer: unknown, image: ImageSize): ParsedBox[] {
  const boxes: ParsedBox[] = [];
  for (const entry of museEntries(answer)) {
    const box = museDetectionBox(entry);
    if (box === null) continue;
    // Python's `str(detection.get("label") or "unknown")`: any falsy label (missing, "", 0, false) is unknown.
    const label = ownValue(entry, "label");
    const className = isFalsyInPython(label) ? "unknown" : pythonLabel(label);
    boxes.push({ xyxy: museBoxToPixelXyxy(box, image), className, confidence: 1 });
  }
  return boxes;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isFalsyInPython(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

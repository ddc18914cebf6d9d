/**
 * Google Gemini's box conventions, as Roboflow's `gemini_detection_parsing.py` reads them:
 * - native: `{"box_2d": [y_min, x_min, y_max, x_max], "label": ...}` on a 0-1000 grid — note y first
 *   (Gemini's documented order, unlike Qwen's x-first `box_2d`);
 * - legacy (older Roboflow prompts): `{"x_min": 0-1, "y_min", "x_max", "y_max", "class_name", "confidence"}`.
 * The answer is a JSON list or `{"detections": [...]}`. Neither form is clamped to the image.
 * `anthropic-claude` in vlm_as_detector@v1 also uses this reader.
 */
import { ownValue, pythonLabel, pythonNumber, scaleConfidence } from "../python-compat.js";
import { type BoxReader, entryObject, fourValues, type ImageSize, mapFour, type Xyxy } from "./parsed-box.js";

const GEMINI_BOX_SCALE = 1000;
const GEMINI_LABEL_KEYS = ["class_name", "label", "class"] as const;

/** The list of detection entries in a Gemini-style answer: a list, or the list under "detections". */
export function detectionEntries(answer: unknown, family: string): unknown[] {
  const entries = Array.isArray(answer) ? answer : detectionsField(answer);
  if (entries === undefined) {
    throw new TypeError(`expected a JSON list of detections or {"detections": [...]} from ${family}`);
  }
  if (!Array.isArray(entries)) throw new TypeError(`"detections" must be a list`);
  return entries;
}

function detectionsField(answer: unknown): unknown {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) return undefined;
  return ownValue(answer as Record<string, unknown>, "detections");
}

/** A Gemini detection's box in pixels of a `width`×`height` image (unrounded); `box_2d` wins over legacy fields. */
export function geminiBoxToPixelXyxy(detection: Record<string, unknown>, image: ImageSize): Xyxy {
  if (Object.hasOwn(detection, "box_2d")) {
    const [yMin, xMin, yMax, xMax] = mapFour(fourValues(ownValue(detection, "box_2d"), "box_2d"), (value) =>
      pythonNumber(value, "box_2d coordinate"),
    );
    return [
      (xMin / GEMINI_BOX_SCALE) * image.width,
      (yMin / GEMINI_BOX_SCALE) * image.height,
      (xMax / GEMINI_BOX_SCALE) * image.width,
      (yMax / GEMINI_BOX_SCALE) * image.height,
    ];
  }
  return normalizedFieldsToPixelXyxy(detection, image);
}

/** Legacy `x_min`/`y_min`/`x_max`/`y_max` fields (fractions of the image) in pixels, unrounded. */
export function normalizedFieldsToPixelXyxy(detection: Record<string, unknown>, image: ImageSize): Xyxy {
  const field = (name: string): number => {
    if (!Object.hasOwn(detection, name)) throw new TypeError(`a detection has no "${name}"`);
    return pythonNumber(ownValue(detection, name), name);
  };
  return [
    field("x_min") * image.width,
    field("y_min") * image.height,
    field("x_max") * image.width,
    field("y_max") * image.height,
  ];
}

/** The label of a Gemini-style detection: the first of class_name, label, class that is not null; else "unknown". */
export function geminiDetectionClassName(detection: Record<string, unknown>): string {
  for (const key of GEMINI_LABEL_KEYS) {
    const value = ownValue(detection, key);
    if (value !== undefined && value !== null) return pythonLabel(value);
  }
  return "unknown";
}

/** A detection's own confidence clamped to [0, 1], or 1.0 when it gives none. */
export function detectionConfidence(detection: Record<string, unknown>): number {
  return Object.hasOwn(detection, "confidence") ? scaleConfidence(ownValue(detection, "confidence")) : 1;
}

/** Reads a `google-gemini` answer. */
export const readGeminiBoxes: BoxReader = (answer, image) =>
  detectionEntries(answer, "google-gemini").map((entry, index) => {
    const detection = entryObject(entry, index);
    return {
      xyxy: geminiBoxToPixelXyxy(detection, image),
      className: geminiDetectionClassName(detection),
      confidence: detectionConfidence(detection),
    };
  });

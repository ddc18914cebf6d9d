/**
 * The parsing logic of `roboflow_core/vlm_as_classifier@v1` and `@v2`: turn a model's JSON answer into the
 * inference server's classification shapes. The two versions parse identically in Roboflow (v2 only
 * changes the kind of its `inference_id` output), so there is one function for both.
 *
 * Accepted answers (DESIGN.md §1), detected in this order as Roboflow does:
 * - single label: `{"class_name": "<name>", "confidence": 0.0-1.0}` (both keys present);
 * - multi label: `{"predicted_classes": [{"class": "<name>", "confidence": 0.0-1.0}, ...]}`.
 * Confidences go through Python's `float()` (numeric strings accepted) and are clamped to [0, 1].
 * Names not in `classes` get class_id -1. The block adds `inference_id` and `parent_id` to the prediction;
 * this parser leaves them out.
 */
import { extractJson } from "../json-extraction.js";
import {
  createClassesIndex,
  describeJson,
  isJsonObject,
  ownValue,
  scaleConfidence,
} from "../python-compat.js";

interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** One entry of a single-label prediction. */
export interface ClassConfidence {
  class: string;
  class_id: number;
  confidence: number;
}

/** The inference server's single-label classification: every class with its confidence, plus the top one. */
export interface ClassificationPrediction {
  image: { width: number; height: number };
  predictions: ClassConfidence[];
  top: string;
  confidence: number;
}

/** The inference server's multi-label classification: a map by class name, plus the predicted names. */
export interface MultiLabelClassificationPrediction {
  image: { width: number; height: number };
  predictions: Record<string, { confidence: number; class_id: number }>;
  predicted_classes: string[];
}

/** What {@link parseClassification} found. */
export interface ClassificationParseResult {
  /** True when the output could not be read as either answer shape; `predictions` is then null. */
  readonly errorStatus: boolean;
  readonly predictions: ClassificationPrediction | MultiLabelClassificationPrediction | null;
  /** Why `errorStatus` is true. */
  readonly error?: string;
  /** Tolerances that were needed to read the JSON (prose around it, truncation, …). */
  readonly warnings: readonly string[];
}

/** Parses a model's classification answer (single- or multi-label) for an image of the given size. */
export function parseClassification(
  vlmOutput: string,
  classes: readonly string[],
  image: ImageSize,
): ClassificationParseResult {
  const extraction = extractJson(vlmOutput);
  if (!extraction.ok) return failure(extraction.error, []);
  const answer = extraction.value;
  const warnings = extraction.notes;
  if (!isJsonObject(answer)) {
    return failure(`expected a JSON object, got ${describeJson(answer)}`, warnings);
  }
  try {
    if (Object.hasOwn(answer, "class_name") && Object.hasOwn(answer, "confidence")) {
      return { errorStatus: false, predictions: singleLabel(answer, classes, image), warnings };
    }
    if (Object.hasOwn(answer, "predicted_classes")) {
      return { errorStatus: false, predictions: multiLabel(answer, classes, image), warnings };
    }
  } catch (error) {
    return failure(error instanceof Error ? error.message : String(error), warnings);
  }
  return failure(
    `expected {"class_name", "confidence"} or {"predicted_classes": [...]}, got an object with keys ${Object.keys(
      answer,
    )
      .map((key) => JSON.stringify(key))
      .join(", ")}`,
    warnings,
  );
}

function singleLabel(
  answer: Record<string, unknown>,
  classes: readonly string[],
  image: ImageSize,
): ClassificationPrediction {
  const index = createClassesIndex(classes);
  const top = className(ownValue(answer, "class_name"), "class_name");
  const confidence = scaleConfidence(ownValue(answer, "confidence"));
  const predictions: ClassConfidence[] = [];
  // An answer outside `classes` comes first, with class_id -1, then every known class in order.
  if (!index.has(top)) predictions.push({ class: top, class_id: -1, confidence });
  for (const [name, classId] of index) {
    predictions.push({ class: name, class_id: classId, confidence: name === top ? confidence : 0 });
  }
  return { image: { width: image.width, height: image.height }, predictions, top, confidence };
}

function multiLabel(
  answer: Record<string, unknown>,
  classes: readonly string[],
  image: ImageSize,
): MultiLabelClassificationPrediction {
  const entries = ownValue(answer, "predicted_classes");
  if (!Array.isArray(entries)) {
    throw new TypeError(`"predicted_classes" must be an array, got ${describeJson(entries)}`);
  }
  const index = createClassesIndex(classes);
  const confidences = new Map<string, number>();
  entries.forEach((entry, position) => {
    const where = `predicted_classes[${position}]`;
    if (!isJsonObject(entry)) throw new TypeError(`${where} must be an object, got ${describeJson(entry)}`);
    if (!Object.hasOwn(entry, "confidence")) throw new TypeError(`${where} has no "confidence"`);
    const name = className(ownValue(entry, "class"), `${where}.class`);
    const confidence = scaleConfidence(ownValue(entry, "confidence"), `${where}.confidence`);
    if (!index.has(name)) index.set(name, -1);
    // A class named twice keeps its highest confidence.
    confidences.set(name, Math.max(confidences.get(name) ?? confidence, confidence));
  });
  const predictions: Record<string, { confidence: number; class_id: number }> = {};
  for (const [name, classId] of index) {
    Object.defineProperty(predictions, name, {
      value: { confidence: confidences.get(name) ?? 0, class_id: classId },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    image: { width: image.width, height: image.height },
    predictions,
    predicted_classes: [...confidences.keys()],
  };
}

// Tolerance beyond Roboflow: a number as a class name (a digit classifier answering 7 instead of "7") is
// read as its decimal string, so it matches the class "7"; Python would keep the int and never match.
function className(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (value === undefined) throw new TypeError(`${what} is missing`);
  throw new TypeError(`${what} must be a string, got ${describeJson(value)}`);
}

function failure(error: string, warnings: readonly string[]): ClassificationParseResult {
  return { errorStatus: true, predictions: null, error, warnings };
}

/**
 * Qwen's box conventions.
 *
 * `qwen` (Roboflow's vlm_as_detector@v2, `qwen_detection_parsing.py`; Qwen3-VL and later): a JSON list of
 * `{"box_2d": [x_min, y_min, x_max, y_max], "label": ...}`, integers on a 0-1000 grid relative to the
 * image, x first. Qwen drifts between the prompted keys and its own grounding vocabulary, so `bbox_2d` is
 * accepted for the box and `description` / `class_name` / `class` for the label; the list may be wrapped
 * in `{"detections": [...]}`. Entries that are not objects or carry no well-formed box are skipped, not
 * fatal. Coordinates are clamped to 0-1000. Confidence is always 1.0: the prompt asks for none and VLM
 * scores are not calibrated.
 *
 * `qwen-2.5` (our addition, not Roboflow's): Qwen2.5-VL is trained on absolute pixel coordinates of the
 * image *as its processor resized it* (smart resize, factor 28). Same entries, but coordinates are clamped
 * to that resized image and scaled back to the original.
 */
import { isJsonObject, ownValue, pythonLabel } from "../python-compat.js";
import type { ImageSize, ParsedBox, Xyxy } from "./parsed-box.js";
import { clamp } from "./parsed-box.js";

const QWEN_BOX_SCALE = 1000;
const QWEN_BOX_KEYS = ["box_2d", "bbox_2d"] as const;
const QWEN_LABEL_KEYS = ["label", "description", "class_name", "class"] as const;

/** The detection entries of a Qwen answer: a JSON list, or the list under `"detections"`. */
export function qwenDetectionEntries(answer: unknown): unknown[] {
  if (Array.isArray(answer)) return answer;
  const wrapped = isJsonObject(answer) ? ownValue(answer, "detections") : undefined;
  if (Array.isArray(wrapped)) return wrapped;
  throw new TypeError('expected a JSON list of {"box_2d", "label"} detections (or {"detections": [...]})');
}

/**
 * The first well-formed box of a Qwen entry under `box_2d` or `bbox_2d`: exactly four numbers (booleans
 * and numeric strings are not numbers here). `null` when there is none, or the entry is not an object.
 */
export function qwenDetectionBox(detection: unknown): Xyxy | null {
  if (!isJsonObject(detection)) return null;
  for (const key of QWEN_BOX_KEYS) {
    const box = ownValue(detection, key);
    if (!Array.isArray(box) || box.length !== 4) continue;
    const [xMin, yMin, xMax, yMax]: unknown[] = box;
    if (isNumber(xMin) && isNumber(yMin) && isNumber(xMax) && isNumber(yMax)) return [xMin, yMin, xMax, yMax];
  }
  return null;
}

function isNumber(value: unknown): value is number {
  return typeof value === "number";
}

/** The label of a Qwen entry: the first non-null of label, description, class_name, class; else "unknown". */
export function qwenDetectionClassName(detection: Record<string, unknown>): string {
  for (const key of QWEN_LABEL_KEYS) {
    const value = ownValue(detection, key);
    if (value !== undefined && value !== null) return pythonLabel(value);
  }
  return "unknown";
}

/** A 0-1000 Qwen box in pixels of the image: clamped to 0-1000, then scaled (unrounded). */
export function qwenBoxToPixelXyxy(box: Xyxy, image: ImageSize): Xyxy {
  return scaleClampedBox(box, { width: QWEN_BOX_SCALE, height: QWEN_BOX_SCALE }, image);
}

/**
 * A Qwen2.5-VL box in absolute pixels of the model's input image (`modelInput`, from smart resize) in
 * pixels of the original image: clamped to the input image, then scaled (unrounded).
 */
export function qwen25BoxToPixelXyxy(box: Xyxy, modelInput: ImageSize, image: ImageSize): Xyxy {
  return scaleClampedBox(box, modelInput, image);
}

function scaleClampedBox(box: Xyxy, from: ImageSize, to: ImageSize): Xyxy {
  const [xMin, yMin, xMax, yMax] = box;
  // Scale factors first, then multiply: the same operation order as Roboflow's reader.
  const scaleX = to.width / from.width;
  const scaleY = to.height / from.height;
  return [
    clamp(xMin, 0, from.width) * scaleX,
    clamp(yMin, 0, from.height) * scaleY,
    clamp(xMax, 0, from.width) * scaleX,
    clamp(yMax, 0, from.height) * scaleY,
  ];
}

/** Reads a `qwen` answer (0-1000 boxes), skipping malformed entries. */
export function readQwenBoxes(answer: unknown, image: ImageSize): ParsedBox[] {
  return readEntries(answer, (box) => qwenBoxToPixelXyxy(box, image));
}

/** Reads a `qwen-2.5` answer (absolute pixels of the `modelInput`-sized image), skipping malformed entries. */
export function readQwen25Boxes(answer: unknown, image: ImageSize, modelInput: ImageSize): ParsedBox[] {
  return readEntries(answer, (box) => qwen25BoxToPixelXyxy(box, modelInput, image));
}

function readEntries(answer: unknown, toPixels: (box: Xyxy) => Xyxy): ParsedBox[] {
  const boxes: ParsedBox[] = [];
  for (const entry of qwenDetectionEntries(answer)) {
    const box = qwenDetectionBox(entry);
    if (box === null || !isJsonObject(entry)) continue;
    boxes.push({ xyxy: toPixels(box), className: qwenDetectionClassName(entry), confidence: 1 });
  }
  return boxes;
}

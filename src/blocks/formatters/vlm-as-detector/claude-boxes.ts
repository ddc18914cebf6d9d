/**
 * The "legacy" normalized convention Roboflow's older LLM prompts ask for (`parse_llm_object_detection_response`
 * in vlm_as_detector/v2.py): `{"detections": [{"x_min": 0-1, "y_min", "x_max", "y_max", "class_name",
 * "confidence"}]}`, fractions of the image, not clamped. `anthropic-claude` uses it in vlm_as_detector@v2
 * (in v1 Claude is read with the Gemini reader instead), and `openai` falls back to it when its
 * `{"detections": [...]}` entries carry no `box_2d`. Unlike Gemini's reader, `class_name` is required.
 */
import { isJsonObject, ownValue, pythonLabel } from "../python-compat.js";
import { detectionConfidence, normalizedFieldsToPixelXyxy } from "./gemini-boxes.js";
import { type BoxReader, entryObject } from "./parsed-box.js";

/** Reads an answer in the legacy normalized convention (used for `anthropic-claude` in v2). */
export const readNormalizedDetections: BoxReader = (answer, image) => {
  const entries = isJsonObject(answer) ? ownValue(answer, "detections") : undefined;
  if (entries === undefined) {
    throw new TypeError('expected {"detections": [...]} with x_min/y_min/x_max/y_max fractions of the image');
  }
  if (!Array.isArray(entries)) throw new TypeError('"detections" must be a list');
  return entries.map((entry, index) => {
    const detection = entryObject(entry, index);
    const xyxy = normalizedFieldsToPixelXyxy(detection, image);
    if (!Object.hasOwn(detection, "class_name"))
      throw new TypeError(`detection ${index} has no "class_name"`);
    return {
      xyxy,
      className: pythonLabel(ownValue(detection, "class_name")),
      confidence: detectionConfidence(detection),
    };
  });
};

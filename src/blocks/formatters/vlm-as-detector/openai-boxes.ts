/**
 * OpenAI's convention in Roboflow's vlm_as_detector@v2 (`openai_detection_parsing.py`): Roboflow's OpenAI
 * block downscales an image so its longest edge is at most 2048 px before uploading it, and the model
 * answers `{"box_2d": [x_min, y_min, x_max, y_max], "label": ...}` in absolute pixels of that upload —
 * as a JSON list, or wrapped in `{"detections": [...]}`. Coordinates are clamped to the upload, then
 * scaled back to the original image. `{"detections": [...]}` entries without `box_2d` are the legacy
 * normalized convention (claude-boxes.ts).
 */
import { isJsonObject, ownValue, pythonFloat, roundHalfEven } from "../python-compat.js";
import { readNormalizedDetections } from "./claude-boxes.js";
import { detectionConfidence, geminiDetectionClassName } from "./gemini-boxes.js";
import {
  type BoxReader,
  clamp,
  entryObject,
  fourValues,
  type ImageSize,
  mapFour,
  type Xyxy,
} from "./parsed-box.js";

/** Longest edge of the image Roboflow's OpenAI block uploads (`DETECTION_MAX_EDGE_PIXELS`). */
export const OPENAI_DETECTION_MAX_EDGE = 2048;

/**
 * The size Roboflow's OpenAI block uploads an image at: unchanged when its longest edge is within 2048,
 * else scaled down to 2048 on the long side with the short side rounded like Python's `round` (halves to
 * even), at least 1.
 */
export function openaiUploadSize(image: ImageSize, maxEdge = OPENAI_DETECTION_MAX_EDGE): ImageSize {
  const { width, height } = image;
  if (Math.max(width, height) <= maxEdge) return { width, height };
  if (width >= height) {
    return { width: maxEdge, height: Math.max(roundHalfEven((height * maxEdge) / width), 1) };
  }
  return { width: Math.max(roundHalfEven((width * maxEdge) / height), 1), height: maxEdge };
}

/** An OpenAI `box_2d` (pixels of the upload) in pixels of the original image, clamped, unrounded. */
export function openaiBoxToPixelXyxy(detection: Record<string, unknown>, image: ImageSize): Xyxy {
  const upload = openaiUploadSize(image);
  const scaleX = image.width / upload.width;
  const scaleY = image.height / upload.height;
  if (!Object.hasOwn(detection, "box_2d")) throw new TypeError('a detection has no "box_2d"');
  const [xMin, yMin, xMax, yMax] = mapFour(fourValues(ownValue(detection, "box_2d"), "box_2d"), (value) =>
    pythonFloat(value, "box_2d coordinate"),
  );
  return [
    clamp(xMin, 0, upload.width) * scaleX,
    clamp(yMin, 0, upload.height) * scaleY,
    clamp(xMax, 0, upload.width) * scaleX,
    clamp(yMax, 0, upload.height) * scaleY,
  ];
}

const readAbsoluteBoxes: BoxReader = (answer, image) => {
  if (!Array.isArray(answer)) {
    throw new TypeError('expected a JSON list of {"box_2d", "label"} detections or {"detections": [...]}');
  }
  return answer.map((entry, index) => {
    const detection = entryObject(entry, index);
    return {
      xyxy: openaiBoxToPixelXyxy(detection, image),
      className: geminiDetectionClassName(detection),
      confidence: detectionConfidence(detection),
    };
  });
};

/** Reads an `openai` answer, choosing the convention the way Roboflow dispatches it. */
export const readOpenaiBoxes: BoxReader = (answer, image) => {
  if (isJsonObject(answer) && Object.hasOwn(answer, "detections")) {
    const entries = ownValue(answer, "detections");
    const first: unknown = Array.isArray(entries) ? entries[0] : undefined;
    if (isJsonObject(first) && Object.hasOwn(first, "box_2d")) return readAbsoluteBoxes(entries, image);
    return readNormalizedDetections(answer, image);
  }
  return readAbsoluteBoxes(answer, image);
};

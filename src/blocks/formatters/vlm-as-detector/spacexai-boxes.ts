/**
 * SpaceXAI Grok's convention in Roboflow's vlm_as_detector@v2 (`spacexai_detection_parsing.py`):
 * `{"box_2d": [x_min, y_min, x_max, y_max], "label": ...}` in percent of the image width/height (0-100),
 * clamped to [0, 100]; a JSON list or `{"detections": [...]}`.
 */
import { ownValue, pythonFloat } from "../python-compat.js";
import { detectionConfidence, detectionEntries, geminiDetectionClassName } from "./gemini-boxes.js";
import {
  type BoxReader,
  clamp,
  entryObject,
  fourValues,
  type ImageSize,
  mapFour,
  type Xyxy,
} from "./parsed-box.js";

const SPACEXAI_BOX_SCALE = 100;

/** A SpaceXAI percent `box_2d` in pixels of the image, clamped, unrounded. */
export function spacexaiBoxToPixelXyxy(detection: Record<string, unknown>, image: ImageSize): Xyxy {
  if (!Object.hasOwn(detection, "box_2d")) throw new TypeError('a detection has no "box_2d"');
  const [xMin, yMin, xMax, yMax] = mapFour(fourValues(ownValue(detection, "box_2d"), "box_2d"), (value) =>
    clamp(pythonFloat(value, "box_2d coordinate"), 0, SPACEXAI_BOX_SCALE),
  );
  return [
    (xMin / SPACEXAI_BOX_SCALE) * image.width,
    (yMin / SPACEXAI_BOX_SCALE) * image.height,
    (xMax / SPACEXAI_BOX_SCALE) * image.width,
    (yMax / SPACEXAI_BOX_SCALE) * image.height,
  ];
}

/** Reads a `spacexai` answer. */
export const readSpacexaiBoxes: BoxReader = (answer, image) =>
  detectionEntries(answer, "spacexai").map((entry, index) => {
    const detection = entryObject(entry, index);
    return {
      xyxy: spacexaiBoxToPixelXyxy(detection, image),
      className: geminiDetectionClassName(detection),
      confidence: detectionConfidence(detection),
    };
  });

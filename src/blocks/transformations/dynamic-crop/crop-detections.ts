/**
 * Cutting one image into a crop per detection, as `roboflow_core/dynamic_crop@v1` does: boxes rounded to
 * whole pixels (half to even, like NumPy's `round`), each crop remembering where it sits in the original and
 * taking its detection's id as its own — so predictions made on the crop name that detection as `parent_id`,
 * as in Roboflow — and the detection itself moved into the crop's coordinates.
 */

import { mapSettledWithLimit } from "../../../util/concurrency.js";
import type { Detection, Detections } from "../../../vision/detections.js";
import { cropImage, type WorkflowImage } from "../../../vision/image.js";
import { roundHalfEven } from "../../../vision/smart-resize.js";
import { PIXEL_WORK_CONCURRENCY } from "../../run-elements.js";

/** One detection's crop and that detection in the crop's coordinates. */
export interface DetectionCrop {
  readonly crop: WorkflowImage;
  readonly predictions: Detections;
}

/** Whole-pixel corners of a detection's crop inside the image, or undefined when nothing of it is inside. */
export function cropBox(
  detection: Detection,
  image: { readonly width: number; readonly height: number },
): { xMin: number; yMin: number; xMax: number; yMax: number } | undefined {
  const corners = [detection.xMin, detection.yMin, detection.xMax, detection.yMax];
  if (!corners.every(Number.isFinite)) return undefined;
  // Roboflow slices the pixel array with the rounded corners; NumPy clips a slice end past the edge, and we
  // clip a start before it too (NumPy would count a negative start from the far edge).
  const xMin = clamp(roundHalfEven(detection.xMin), 0, image.width);
  const yMin = clamp(roundHalfEven(detection.yMin), 0, image.height);
  const xMax = clamp(roundHalfEven(detection.xMax), 0, image.width);
  const yMax = clamp(roundHalfEven(detection.yMax), 0, image.height);
  if (xMax <= xMin || yMax <= yMin) return undefined;
  return { xMin, yMin, xMax, yMax };
}

/**
 * One entry per detection, in order: its crop, or null when its box has no pixels inside the image (Roboflow
 * keeps such an entry as None so crops stay aligned with detections).
 */
export async function cropDetections(
  image: WorkflowImage,
  detections: Detections,
): Promise<Array<DetectionCrop | null>> {
  const settled = await mapSettledWithLimit(detections.items, PIXEL_WORK_CONCURRENCY, async (detection) => {
    const box = cropBox(detection, image);
    if (!box) return null;
    const cut = await cropImage(image, box);
    const crop: WorkflowImage = { ...cut, id: detection.detectionId };
    const moved: Detection = {
      ...detection,
      xMin: detection.xMin - box.xMin,
      yMin: detection.yMin - box.yMin,
      xMax: detection.xMax - box.xMin,
      yMax: detection.yMax - box.yMin,
    };
    return {
      crop,
      predictions: {
        image: { width: crop.width, height: crop.height },
        parentId: crop.id,
        items: [moved],
        ...(crop.origin ? { origin: crop.origin } : {}),
      },
    };
  });
  return settled.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  });
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

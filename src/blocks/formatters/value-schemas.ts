/**
 * Schemas of the values that flow between blocks as per-element inputs: images and object detections. The
 * formatter, transformation and visualization blocks share them, so a wrong value (often `null` from a step
 * whose parsing failed) is refused with the same words everywhere.
 */
import { z } from "zod";
import type { Detections } from "../../vision/detections.js";
import { isWorkflowImage, type WorkflowImage } from "../../vision/image.js";

/** An image bound from an input or a step output. */
export const imageSchema = z.custom<WorkflowImage>(isWorkflowImage, {
  message: "expected an image (null here usually means an empty crop or a failed step upstream)",
});

/** True for a {@link Detections} value, the object-detection predictions blocks pass along. */
export function isDetections(value: unknown): value is Detections {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Detections>;
  return (
    Array.isArray(candidate.items) &&
    typeof candidate.parentId === "string" &&
    typeof candidate.image === "object" &&
    candidate.image !== null &&
    typeof candidate.image.width === "number" &&
    typeof candidate.image.height === "number"
  );
}

/** Object detections bound from a step output (a detector's `predictions`). */
export const detectionsSchema = z.custom<Detections>(isDetections, {
  // A detector step reports a parse failure as error_status true and predictions null.
  message:
    "expected object detections (null means the step that made them could not parse its model output: see that step's error_status)",
});

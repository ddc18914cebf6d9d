/**
 * Schemas of the values that flow between blocks as per-element inputs: images and object detections. The
 * formatter, transformation and visualization blocks share them, so a wrong value (often `null` from a step
 * whose parsing failed) is refused with the same words everywhere.
 */
import { z } from "zod";
import { type Detections, isDetections } from "../vision/detections.js";
import { isWorkflowImage, type WorkflowImage } from "../vision/image.js";

/** An image bound from an input or a step output. */
export const imageSchema = z.custom<WorkflowImage>(isWorkflowImage, {
  message: "expected an image (null here usually means an empty crop or a failed step upstream)",
});

/** Object detections bound from a step output (a detector's `predictions`). */
export const detectionsSchema = z.custom<Detections>(isDetections, {
  // A detector step reports a parse failure as error_status true and predictions null.
  message:
    "expected object detections (null means the step that made them could not parse its model output: see that step's error_status)",
});

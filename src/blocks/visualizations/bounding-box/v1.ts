/**
 * `roboflow_core/bounding_box_visualization@v1`: draws an outline around each detection, in its palette colour,
 * with optional rounded corners. First version.
 */
import { z } from "zod";
import { BOX_DRAW_DEFAULTS, drawBoxes } from "../../../vision/draw.js";
import { colorOptions, createVisualizationBlock, type VisualizationParams } from "../common.js";

/** The property values a bounding box step runs with. */
export interface BoundingBoxVisualizationParams extends VisualizationParams {
  thickness: number;
  roundness: number;
}

/** The bounding box visualization block, version 1. */
export const boundingBoxVisualizationV1 = createVisualizationBlock<BoundingBoxVisualizationParams>({
  type: "roboflow_core/bounding_box_visualization@v1",
  title: "Bounding Box Visualization",
  description: "Draws a box around each detected object.",
  properties: {
    thickness: {
      schema: z.number().int().min(1).default(BOX_DRAW_DEFAULTS.thickness),
      selectorKinds: ["integer"],
      description: "Width of the box outline in pixels.",
    },
    roundness: {
      schema: z.number().min(0).max(1).default(BOX_DRAW_DEFAULTS.roundness),
      selectorKinds: ["float_zero_to_one"],
      description: "How round the corners are: 0 square, 1 as round as the box's shorter side allows.",
    },
  },
  draw: (image, detections, params) =>
    drawBoxes(image, detections, {
      ...colorOptions(params),
      thickness: params.thickness,
      roundness: params.roundness,
    }),
});
